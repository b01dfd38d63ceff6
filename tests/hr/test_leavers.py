"""Leavers (离职) in HR's reports: out of the assigned and overdue counts, in the history and
exports with status 离职 and the date they left; a status filter finds them. Department cohorts
follow the org chart."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from accounts.services import users_mark_left, users_mark_returned
from hr import services
from hr.filters import ReportFilters
from hr.selectors import overview
from progress.models import Enrollment
from tests.factories import UserFactory


def test_a_leaver_drops_out_of_the_assigned_and_overdue_counts(org):
    Enrollment.objects.update(due_date=timezone.localdate() - timedelta(days=1))
    before = overview(ReportFilters())[0]
    users_mark_left(user_ids=[org["sales"][0].pk])
    after = overview(ReportFilters())[0]
    assert (before["enrolled"], before["overdue"]) == (5, 4)
    assert (after["enrolled"], after["overdue"]) == (4, 3)


def test_a_leaver_stays_in_the_report_and_export_with_status_and_date(hr_client, org):
    leaver = org["sales"][0]
    users_mark_left(user_ids=[leaver.pk])
    page = hr_client.get("/hr/?status=left").content.decode()
    assert leaver.display_name in page and "离职" in page and org["sales"][1].display_name not in page
    body = b"".join(hr_client.get("/hr/export/?kind=summary_csv").streaming_content).decode("utf-8")[1:]
    header, *lines = list(csv.reader(io.StringIO(body)))
    rows = {row[1]: row for row in lines}
    assert header[-1] == "离职日期"
    assert rows[leaver.email][6] == "离职" and rows[leaver.email][-1] == timezone.localdate().isoformat()
    assert rows[org["sales"][1].email][-1] == ""


def test_a_returner_is_back_with_their_history(org):
    person = org["ops"][0]
    users_mark_left(user_ids=[person.pk])
    users_mark_returned(user_ids=[person.pk])
    person.refresh_from_db()
    assert person.is_active and person.left_at is None
    assert person.enrollments.get().completed_at is not None


def test_department_cohorts_follow_joiners_and_movers(db, imported_course, hr_user):
    ops = [UserFactory(department="仓储部") for _ in range(2)]
    cohort = services.cohort_create(name="仓储部全员", members=ops, created_by=hr_user, follows_departments=["仓储部"])
    assignment = services.assignment_create(cohort=cohort, course=imported_course, assigned_by=hr_user,
                                            due_date=timezone.localdate() + timedelta(days=7))
    joiner = UserFactory(department="仓储部")
    ops[1].department = "销售部"
    ops[1].save()
    leaver = ops[0]
    users_mark_left(user_ids=[leaver.pk])
    assert services.department_cohorts_refresh() == {"joined": 1, "left": 1}
    members = set(cohort.memberships.filter(left_at__isnull=True).values_list("user_id", flat=True))
    assert members == {leaver.pk, joiner.pk}  # the leaver stays: their record stays in the reports
    assert Enrollment.objects.get(user=joiner).assignment == assignment
    assert Enrollment.objects.get(user=ops[1]).unassigned_at is not None
    assert services.department_cohorts_refresh() == {"joined": 0, "left": 0}


def test_a_cohort_made_from_departments_in_the_form_follows_them(hr_client, org):
    response = hr_client.post("/hr/cohorts/new/", {"name": "销售部全员", "source": "departments",
                                                  "departments": ["销售部"]})
    assert response.status_code == 302
    from progress.models import Cohort

    assert Cohort.objects.get(name="销售部全员").follows_departments == ["销售部"]
