"""Exact query counts of the 学时 report and of gathering an evidence pack: the same however many
people they cover (the SQL is printed when one changes)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hr.evidence import evidence_gather
from progress.models import OfflineCredit
from tests.factories import UserFactory
from tests.hr.credit_setup import complete_module, import_credit_course

# session, user, roles, departments (filter choices), the page of learners and its count, online
# and offline aggregates of that page.
CREDIT_REPORT = 8
# session, user, roles, departments; the departments with online and with offline credit, their sums
CREDIT_REPORT_BY_DEPARTMENT = 8
# enrolments, modules, progress, attempts, credits, certificates, revisions
EVIDENCE = 7


def people(client, hr_user, count: int) -> list:
    made = []
    for n in range(count):
        person = UserFactory(department=f"部门{n % 2}")
        client.force_login(person)
        complete_module(client, person, 1 + n % 3, active_seconds=600)
        OfflineCredit.objects.create(user=person, title="演练", held_on=date(timezone.localdate().year, 1, 2),
                                     hours=Decimal(1), category="安全生产", reason="签到", created_by=hr_user)
        made.append(person)
    client.force_login(hr_user)
    return made


def counted(client, url: str, expected: int) -> None:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    assert len(context) == expected, "\n".join(q["sql"] for q in context.captured_queries)


@pytest.mark.parametrize("count", [2, 6])
def test_credit_report_queries_do_not_grow_with_people(db, tmp_path, client, hr_user, count):
    import_credit_course(tmp_path / "content")
    people(client, hr_user, count)
    counted(client, "/hr/credit/", CREDIT_REPORT)
    counted(client, "/hr/credit/?group=department", CREDIT_REPORT_BY_DEPARTMENT)


@pytest.mark.parametrize("count", [2, 6])
def test_evidence_gathering_queries_do_not_grow_with_people(db, tmp_path, client, hr_user, count):
    import_credit_course(tmp_path / "content")
    made = people(client, hr_user, count)
    with CaptureQueriesContext(connection) as context:
        gathered = evidence_gather(made)
    assert len(context) == EVIDENCE, "\n".join(q["sql"] for q in context.captured_queries)
    assert [p.email for p in gathered] == [p.email for p in made]
