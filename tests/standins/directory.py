"""Directories for the stand-ins: the small fixtures in fixtures/*.json (shaped like the
platforms' documented example responses) and a generator for large ones (10,000 people, 800
departments) for benchmarks. One neutral org is rendered into each platform's own shape."""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
STATUSES = ("active", "inactive", "disabled", "left")


@dataclass
class Dept:
    id: str
    name: str
    parent: str | None
    order: int = 0
    leader: str = ""


@dataclass
class Member:
    userid: str
    name: str
    departments: list[str]
    mobile: str
    email: str
    title: str
    employee_no: str
    manager: str = ""
    status: str = "active"  # one of STATUSES


@dataclass
class Org:
    depts: list[Dept]
    members: list[Member] = field(default_factory=list)


def load_fixture(platform: str) -> dict:
    return json.loads((FIXTURES / f"{platform}_directory.json").read_text(encoding="utf-8"))


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
UNITS = ["运营", "仓储", "配送", "客服", "质量", "安全", "财务", "人力", "采购", "设备"]


def generate(*, people: int = 10_000, departments: int = 800, seed: int = 17) -> Org:
    """A deterministic org: a random tree under root "1", every department with a leader who
    is everyone's manager there, about 3% disabled, 2% left and 2% not yet activated."""
    rng = random.Random(seed)
    depts = [Dept("1", "示例物流集团", None)]
    for n in range(2, departments + 1):
        parent = rng.choice(depts[: max(1, n // 2)]).id  # shallow-ish, bushy tree
        depts.append(Dept(str(n), f"{rng.choice(UNITS)}{n}部", parent, order=n))
    org = Org(depts)
    for n in range(1, people + 1):
        dept = depts[(n - 1) % len(depts)] if n <= len(depts) else rng.choice(depts)
        roll = rng.random()
        status = "disabled" if roll < 0.03 else "left" if roll < 0.05 else "inactive" if roll < 0.07 else "active"
        org.members.append(Member(
            userid=f"u{n:05d}", name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            departments=[dept.id], mobile=f"138{n:08d}", email=f"u{n:05d}@example.com",
            title=rng.choice(["专员", "主管", "经理", "组长"]), employee_no=f"E{n:05d}", status=status))
    leaders = {}
    for member in org.members[: len(depts)]:  # the first member placed in each department leads it
        leaders[member.departments[0]] = member.userid
    for dept in depts:
        dept.leader = leaders.get(dept.id, "")
    parents = {d.id: d.parent for d in depts}
    for member in org.members:
        dept_id = member.departments[0]
        boss = leaders.get(dept_id)
        while boss == member.userid and parents.get(dept_id):
            dept_id = parents[dept_id]
            boss = leaders.get(dept_id)
        member.manager = "" if boss == member.userid else boss or ""
    return org


def small_org() -> Org:
    """The hand-written org behind fixtures/*.json."""
    depts = [Dept("1", "示例科技有限公司", None), Dept("2", "运营中心", "1", 1, "zhangwei"),
             Dept("3", "华东运营部", "2", 1, "lina"), Dept("4", "华南运营部", "2", 2, "yangfan"),
             Dept("5", "人力资源部", "1", 2, "wangfang"), Dept("6", "培训组", "5", 1, "huangmin")]
    rows = [
        ("zhangwei", "张伟", ["2"], "运营总监", "", "active"),
        ("lina", "李娜", ["3"], "华东运营经理", "zhangwei", "active"),
        ("wangfang", "王芳", ["5"], "HRBP", "", "active"),
        ("liuyang", "刘洋", ["3"], "运营专员", "lina", "active"),
        ("chenjing", "陈静", ["3", "6"], "运营培训师", "lina", "active"),
        ("yangfan", "杨帆", ["4"], "华南运营经理", "zhangwei", "active"),
        ("zhaolei", "赵磊", ["4"], "仓储主管", "yangfan", "disabled"),
        ("huangmin", "黄敏", ["6"], "培训主管", "wangfang", "active"),
        ("zhoujie", "周杰", ["4"], "配送专员", "yangfan", "left"),
        ("wuting", "吴婷", ["6"], "培训专员", "huangmin", "inactive"),
    ]
    members = [Member(u, name, d, f"1380000{n:04d}", f"{u}@example.com", title, f"E{n:04d}", manager, status)
               for n, (u, name, d, title, manager, status) in enumerate(rows, start=1)]
    return Org(depts, members)


def wecom_shape(org: Org) -> dict:
    status = {"active": 1, "disabled": 2, "inactive": 4, "left": 5}
    return {
        "department": [{"id": int(d.id), "name": d.name, "name_en": "",
                        "department_leader": [d.leader] if d.leader else [],
                        "parentid": int(d.parent or 0), "order": d.order} for d in org.depts],
        "users": [{
            "userid": m.userid, "name": m.name, "department": [int(x) for x in m.departments],
            "order": [0] * len(m.departments), "position": m.title, "mobile": m.mobile, "gender": "1",
            "email": m.email, "biz_mail": "", "is_leader_in_dept": [0] * len(m.departments),
            "direct_leader": [m.manager] if m.manager else [], "telephone": "", "alias": "", "status": status[m.status],
            "main_department": int(m.departments[0]),
            "extattr": {"attrs": [{"type": 0, "name": "工号", "text": {"value": m.employee_no}}]},
        } for m in org.members],
    }


def dingtalk_shape(org: Org) -> dict:
    """DingTalk removes people who left from the directory; the rest keep `active`."""
    return {
        "departments": [{"dept_id": int(d.id), "name": d.name, "parent_id": int(d.parent) if d.parent else 0,
                         "order": d.order, "dept_manager_userid_list": [d.leader] if d.leader else [],
                         "create_dept_group": False, "auto_add_user": False} for d in org.depts],
        "users": [{
            "userid": m.userid, "unionid": f"union-{m.userid}", "name": m.name, "state_code": "86",
            "mobile": m.mobile, "hide_mobile": False, "job_number": m.employee_no, "title": m.title,
            "email": m.email, "org_email": "", "dept_id_list": [int(x) for x in m.departments],
            "active": m.status == "active", "admin": False, "boss": False, "manager_userid": m.manager,
            "leader_in_dept": [{"dept_id": int(x), "leader": False} for x in m.departments],
        } for m in org.members if m.status != "left"],
    }


def feishu_shape(org: Org) -> dict:
    """Feishu's root department is "0"; the company itself is not listed."""
    def dept_id(raw: str | None) -> str:
        return "0" if raw in (None, "1") else f"D{raw}"

    return {
        "departments": [{"name": d.name, "i18n_name": {"zh_cn": d.name, "en_us": ""}, "department_id": dept_id(d.id),
                         "open_department_id": f"od-{d.id:0>8}", "parent_department_id": dept_id(d.parent),
                         "leader_user_id": d.leader, "order": str(d.order), "status": {"is_deleted": False}}
                        for d in org.depts if d.id != "1"],
        "users": [{
            "union_id": f"on_{m.userid}", "user_id": m.userid, "open_id": f"ou_{m.userid}", "name": m.name,
            "en_name": "", "email": m.email, "enterprise_email": "", "mobile": f"+86{m.mobile}", "gender": 1,
            "status": {"is_frozen": m.status == "disabled", "is_resigned": m.status == "left",
                       "is_activated": m.status != "inactive", "is_exited": False, "is_unjoin": m.status == "inactive"},
            "department_ids": [dept_id(x) for x in m.departments], "leader_user_id": m.manager,
            "employee_no": m.employee_no, "employee_type": 1, "job_title": m.title,
        } for m in org.members],
    }


SHAPES = {"wecom": wecom_shape, "dingtalk": dingtalk_shape, "feishu": feishu_shape}


def write_fixtures() -> None:
    """Regenerate fixtures/*.json from small_org() (run by hand after changing it)."""
    for platform, shape in SHAPES.items():
        text = json.dumps(shape(small_org()), ensure_ascii=False, indent=1)
        (FIXTURES / f"{platform}_directory.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_fixtures()
