"""The directory-sync measure: a full WeCom reconcile of 10,000 people in 800 departments from
the stand-in (real HTTP on loopback, the client's paging and token), then a second run that must
change nothing, then a mass deactivation the safety limit must stop. Everything it writes is
rolled back, so the benchmark's database keeps only the demo organisation.

Alone: DATABASE_URL=… REDIS_URL=… DJANGO_SECRET_KEY=… DJANGO_SETTINGS_MODULE=bench.settings \\
       .venv/bin/python -m bench.directory_sync   (migrate that database first)
"""

import json
import time

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from directory.services import SyncHeld, directory_sync  # noqa: E402
from tests.standins.directory import generate, wecom_shape  # noqa: E402
from tests.standins.wecom import WeComStandin  # noqa: E402

PEOPLE, DEPARTMENTS = 10_000, 800


class _RollBack(Exception):
    pass


def measure() -> dict:
    org = generate(people=PEOPLE, departments=DEPARTMENTS)
    for member in org.members:  # the demo learners own E-numbers: keep the runs about new people
        member.employee_no = "D" + member.employee_no[1:]
    standin = WeComStandin(directory=wecom_shape(org)).start()
    result: dict = {"people": PEOPLE, "departments": DEPARTMENTS}
    try:
        with override_settings(WECOM_BASE_URL=standin.base_url, WECOM_CORP_ID=standin.corp_id,
                               WECOM_SECRET=standin.secret, WECOM_CONTACTS_SECRET=""), transaction.atomic():
            result.update(_runs(standin))
            raise _RollBack
    except _RollBack:
        pass
    finally:
        standin.stop()
    return result


def _runs(standin: WeComStandin) -> dict:
    started = time.perf_counter()
    first = directory_sync(source="wecom")
    full = time.perf_counter() - started
    requests = len(standin.requests)
    started = time.perf_counter()
    second = directory_sync(source="wecom")
    again = time.perf_counter() - started
    for userid in list(standin.users)[: len(standin.users) // 5]:  # a wrong scope hides a fifth
        del standin.users[userid]
    try:
        directory_sync(source="wecom")
        held = False
    except SyncHeld:
        held = True
    return {"full_seconds": round(full, 2), "created": first.plan.summary()["create"], "requests": requests,
            "second_seconds": round(again, 2), "second_changes": second.plan.changes, "mass_deactivation_held": held}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
