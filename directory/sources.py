"""Read a whole directory from one platform into plain values (integrations' entities). No
database here: what the platform says, deduplicated, nothing else."""

from dataclasses import dataclass

from integrations.conf import WeComConfig
from integrations.dingtalk import DingTalkClient
from integrations.entities import Department, Person
from integrations.feishu import FeishuClient
from integrations.wecom import WeComClient


@dataclass(frozen=True)
class Snapshot:
    source: str
    departments: tuple[Department, ...]
    people: tuple[Person, ...]


def _people(lists) -> tuple[Person, ...]:
    """People listed in several departments appear once (the first listing wins; it has them all)."""
    seen: dict[str, Person] = {}
    for people in lists:
        for person in people:
            seen.setdefault(person.userid, person)
    return tuple(seen.values())


def wecom_snapshot() -> Snapshot:
    client = WeComClient(WeComConfig.for_contacts())
    departments = client.departments()
    return Snapshot("wecom", tuple(departments), _people(client.users_in_department(d.id) for d in departments))


def dingtalk_snapshot() -> Snapshot:
    client = DingTalkClient()
    departments = client.departments()
    return Snapshot("dingtalk", tuple(departments), _people(client.users_in_department(d.id) for d in departments))


def feishu_snapshot() -> Snapshot:
    client = FeishuClient()
    departments = client.sub_departments("0", recursive=True)
    ids = ["0", *(d.id for d in departments)]
    return Snapshot("feishu", tuple(departments), _people(client.users_in_department(i) for i in ids))


SNAPSHOTS = {"wecom": wecom_snapshot, "dingtalk": dingtalk_snapshot, "feishu": feishu_snapshot}


def person_fetch(source: str, userid: str) -> Person:
    """One person, for a change callback."""
    if source == "wecom":
        return WeComClient(WeComConfig.for_contacts()).user(userid)
    if source == "dingtalk":
        return DingTalkClient().user(userid)
    return FeishuClient().user(userid)
