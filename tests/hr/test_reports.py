"""The completion report: numbers, statuses, filters in the URL, matrix, drill-down, queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hr import services
from progress.models import ModuleProgress
from tests.factories import UserFactory


def test_overview_counts_each_status(hr_client, org):
    page = hr_client.get("/hr/").content.decode()
    row = page[page.index('<th scope="row">测试课程</th>'):]
    cells = [c.split("<")[0] for c in row.split("<td>")[1:9]]
    assert cells[:6] == ["5", "3", "1", "1", "0", "20%"]


def test_overdue_learners_after_the_due_date(hr_client, org):
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        page = hr_client.get("/hr/?status=overdue").content.decode()
    assert "4 条报名记录" in page
    assert "运营1" in page and "销售0" in page and "运营0" not in page


@pytest.mark.parametrize(("query", "present", "absent"), [
    ("department=销售部", ["销售0", "销售1"], ["运营0"]),
    ("manager={boss}", ["运营0", "运营2"], ["销售0"]),
    ("status=completed", ["运营0"], ["运营1", "销售0"]),
    ("status=in_progress", ["运营1"], ["运营0", "销售1"]),
    ("status=not_started", ["运营2", "销售1"], ["运营0", "运营1"]),
    ("completed_from={today}&completed_to={today}", ["运营0"], ["运营1"]),
    ("due_from={far}", [], ["运营0", "销售0"]),
])
def test_filters_live_in_the_url(hr_client, org, query, present, absent):
    today = timezone.localdate()
    url = "/hr/?" + query.format(boss=org["boss"].pk, today=today, far=today + timedelta(days=100))
    page = hr_client.get(url).content.decode()
    section = page[page.index('id="learners-heading"'):]
    for name in present:
        assert name in section, (url, name)
    for name in absent:
        assert name not in section, (url, name)


def test_cohort_filter_and_charts(hr_client, org):
    other = services.cohort_create(name="空组", members=[UserFactory(email="x@example.com")],
                                   created_by=org["boss"])
    page = hr_client.get(f"/hr/?cohort={other.pk}").content.decode()
    assert "0 条报名记录" in page
    page = hr_client.get(f"/hr/?cohort={org['cohort'].pk}").content.decode()
    assert "5 条报名记录" in page
    assert "<svg" in page and "33% (1/3)" in page and "0% (0/2)" in page


def test_matrix_shows_each_learner_module_cell(hr_client, org):
    page = hr_client.get(f"/hr/matrix/?course={org['course'].pk}").content.decode()
    assert page.count('<td class="cell cell-completed"') == 3
    assert page.count('<td class="cell cell-in_progress"') == 1
    assert page.count('<td class="cell cell-not_started"') == 11


def test_matrix_without_a_course_opens_on_the_course_people_take(hr_client, org):
    response = hr_client.get("/hr/matrix/?department=运营部")
    assert response.status_code == 302
    assert response["Location"].startswith("/hr/matrix/?") and f"course={org['course'].pk}" in response["Location"]
    page = hr_client.get(response["Location"]).content.decode()
    assert '<td class="cell cell-' in page and "运营0" in page and "销售0" not in page


def test_matrix_without_any_course_says_so(hr_user, client, db):
    client.force_login(hr_user)
    response = client.get("/hr/matrix/", follow=True)
    assert "还没有发布任何课程" in response.content.decode()


def test_learner_drill_down_has_modules_attempts_time_and_dates(hr_client, org, learner):
    from tests.quizhelpers import submit

    services.cohort_member_remove(cohort=org["cohort"], user=org["ops"][2])
    org["cohort"].memberships.create(user=learner)
    client = hr_client.__class__()
    client.force_login(learner)
    submit(client, learner, right=False)
    submit(client, learner, right=True)
    page = hr_client.get(f"/hr/learners/{learner.pk}/").content.decode()
    assert "测试课程" in page and "模块1" in page and "0, 100 ✓" in page


def test_hr_learner_page_labels_the_enrolment_date(hr_client, org):
    enrollment = org["ops"][0].enrollments.get()
    page = hr_client.get(f"/hr/learners/{org['ops'][0].pk}/").content.decode()
    enrolled = timezone.localtime(enrollment.enrolled_at).date().isoformat()
    assert f"报名日期 {enrolled}" in page and "报名人数" not in page
    hr_client.cookies["django_language"] = "en"
    page = hr_client.get(f"/hr/learners/{org['ops'][0].pk}/").content.decode()
    assert f"Enrolled on {timezone.localtime(enrollment.enrolled_at):%-d %b %Y}" in page
    assert f"Due date {enrollment.due_date:%-d %b %Y}" in page


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("path", ["/hr/", "/hr/matrix/?course={course}", "/hr/?status=overdue"])
def test_report_pages_use_constant_queries(hr_client, org, path):
    url = path.format(course=org["course"].pk)
    few = _count(hr_client, url)
    now = timezone.now()
    extra = [UserFactory(email=f"more{n}@example.com", department=f"部门{n % 4}") for n in range(60)]
    cohort = services.cohort_create(name="大组", members=extra, created_by=org["boss"])
    services.assignment_create(cohort=cohort, course=org["course"], assigned_by=org["boss"],
                               due_date=timezone.localdate() + timedelta(days=3))
    ModuleProgress.objects.bulk_create(
        ModuleProgress(user=u, module=m, first_viewed_at=now, last_viewed_at=now, active_seconds=60)
        for u in extra for m in org["modules"])
    assert _count(hr_client, url) == few


@pytest.mark.parametrize("bad", ["due_from=2026-13-45", "course=999999", "manager=abc", "status=everything"])
def test_an_invalid_filter_beside_valid_ones_shows_nothing_and_says_why(hr_client, org, bad):
    response = hr_client.get(f"/hr/?status=completed&{bad}")
    page = response.content.decode()
    assert response.status_code == 400
    assert "0 条报名记录" in page and 'class="field-error"' in page
    assert "运营0" not in page[page.index('id="learners-heading"'):]
    assert "/hr/export/?kind=" not in page


@pytest.mark.parametrize("kind", ["summary_csv", "summary_xlsx", "matrix_csv"])
def test_an_export_with_an_invalid_filter_is_refused_and_not_logged(hr_client, org, kind):
    from hr.models import ExportLog

    response = hr_client.get(f"/hr/export/?kind={kind}&course={org['course'].pk}&status=completed&due_from=2026-13-45")
    assert response.status_code == 400
    assert "截止" in response.content.decode() or "due" in response.content.decode().lower()
    assert not ExportLog.objects.exists()


def test_the_matrix_with_an_invalid_filter_shows_no_learner(hr_client, org):
    response = hr_client.get(f"/hr/matrix/?course={org['course'].pk}&completed_to=yesterday")
    assert response.status_code == 400
    assert "运营0" not in response.content.decode()
