"""团队学习 with compliance data: each report's certificate status per course (valid, expiring,
expired, revoked, never, with dates), open retraining and this year's credit hours, for the
manager's reports only, on the team page and the learner page, at a fixed query count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Module
from progress.models import Certificate, Enrollment, ModuleCredit, OfflineCredit, Retraining
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = "2026-11-20 10:00 +0800"
YEAR = 2026
# As in test_team's budget, with one level of reports below the manager (one org-chart query less).
ONE_LEVEL_TEAM_PAGE_QUERIES = 15


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def certify(user, course, *, valid_for_days=None, revoked_on=None):
    now = timezone.now()
    return Certificate.objects.create(
        user=user, course=course, code=f"CERT-{user.pk}", issued_at=now - timedelta(days=300),
        learner_name=user.name, course_title=course.title, total_seconds=600,
        valid_until=now + timedelta(days=valid_for_days) if valid_for_days is not None else None,
        revoked_at=now - timedelta(days=2) if revoked_on else None, revoked_reason="作弊" if revoked_on else "")


def retrain(user, module, *, due: date):
    return Retraining.objects.create(user=user, course=module.course, module=module, reason="content_change",
                                     period=f"change:{module.pk}", due_date=due, assigned_at=timezone.now(),
                                     from_course_revision=1, to_course_revision=2)


def credit(user, module, *, hours, required_seconds=0, year=YEAR):
    return ModuleCredit.objects.create(user=user, module=module, course=module.course, hours=Decimal(hours),
                                       category="安全", required_seconds=required_seconds,
                                       completed_at=timezone.now().replace(year=year))


@pytest.fixture
def team(imported_course):
    """boss → expiring, expired, revoked, never, valid; rival → outsider (certificate, retraining, 学时)."""
    course = imported_course
    modules = list(Module.objects.filter(course=course).order_by("position"))
    boss = UserFactory(email="boss@example.com", display_name="老板")
    people = {name: UserFactory(email=f"{name}@example.com", display_name=name, manager=boss)
              for name in ("expiring", "expired", "revoked", "never", "valid")}
    rival = UserFactory(email="rival@example.com", display_name="别的经理")
    outsider = UserFactory(email="outsider@example.com", display_name="外人", manager=rival)
    for person in [*people.values(), outsider]:
        Enrollment.objects.create(user=person, course=course, completed_at=timezone.now())
    certify(people["expiring"], course, valid_for_days=10)
    certify(people["expired"], course, valid_for_days=-5)
    certify(people["revoked"], course, valid_for_days=200, revoked_on=True)
    certify(people["valid"], course, valid_for_days=200)
    retrain(people["expiring"], modules[2], due=date(2026, 12, 5))
    credit(people["expiring"], modules[0], hours="2.50")
    credit(people["expiring"], modules[1], hours="1.25", required_seconds=9999)
    credit(people["expiring"], modules[2], hours="40.00", year=YEAR - 1)
    OfflineCredit.objects.create(user=people["expiring"], title="消防演练", held_on=date(YEAR, 3, 1),
                                 hours=Decimal("3.00"), category="安全", reason="线下")
    OfflineCredit.objects.create(user=people["expiring"], title="去年", held_on=date(YEAR - 1, 3, 1),
                                 hours=Decimal("8.00"), category="安全", reason="线下")
    certify(outsider, course, valid_for_days=3)
    retrain(outsider, modules[1], due=date(2027, 1, 9))
    OfflineCredit.objects.create(user=outsider, title="外部", held_on=date(YEAR, 4, 1), hours=Decimal("77.00"),
                                 category="安全", reason="线下")
    return {"boss": boss, "rival": rival, "outsider": outsider, "course": course, "modules": modules, **people}


def page(client, user, url, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def people_table(html):
    return html.split('id="people-heading"', 1)[1]


def status_of(html, person):
    """The certificate status shown in a person's row of the team page."""
    row = people_table(html).split(f">{person}</a>", 1)[1].split("</tr>", 1)[0]
    return row.split('data-certificate-status="', 1)[1].split('"', 1)[0], row


def test_the_team_page_shows_each_reports_certificate_status_with_its_dates(client, team):
    html = page(client, team["boss"], "/team/")
    expiring, row = status_of(html, "expiring")
    assert expiring == "expiring" and "Expiring soon" in row and "until 2026-11-30" in row
    expired, row = status_of(html, "expired")
    assert expired == "expired" and "until 2026-11-15" in row
    revoked, row = status_of(html, "revoked")
    assert revoked == "revoked" and "revoked on 2026-11-18" in row and "until" not in row
    never, row = status_of(html, "never")
    assert never == "never" and "Never certified" in row and "certificate issued" not in row
    valid, row = status_of(html, "valid")
    assert valid == "valid" and "until 2027-06-08" in row and "certificate issued 2026-01-24" in row
    assert "within 30 days" in html


def test_the_team_page_lists_the_certificates_to_renew_soonest_first(client, team):
    html = page(client, team["boss"], "/team/")
    listed = html.split('id="renew-heading"', 1)[1].split("</section>", 1)[0]
    assert listed.count("data-to-renew") == 2
    assert listed.index(">expired</a>") < listed.index(">expiring</a>")
    assert "until 2026-11-15" in listed and "until 2026-11-30" in listed and "外人" not in listed
    Certificate.objects.filter(valid_until__lte=timezone.now() + timedelta(days=30)).update(
        valid_until=timezone.now() + timedelta(days=90))
    assert 'id="renew-heading"' not in page(client, team["boss"], "/team/")


def test_the_team_page_shows_retraining_due_and_this_years_credit_hours(client, team):
    html = page(client, team["boss"], "/team/")
    _, row = status_of(html, "expiring")
    assert "course revision 1 → 2, modules 3" in row and "Due 2026-12-05" in row
    assert "Online: 2.50 h · Offline: 3.00 h · Pending: 1.25 h" in row  # last year's 40 h and 8 h left out
    _, other = status_of(html, "never")
    assert "needs retraining" not in other and "Online: 0.00 h · Offline: 0.00 h · Pending: 0.00 h" in other
    assert "Credit hours 2026" in html


def test_another_teams_certificates_retraining_and_hours_never_show(client, team):
    html = page(client, team["boss"], "/team/")
    assert "外人" not in html and "2027-01-09" not in html and "77.00" not in html
    assert people_table(html).count("data-certificate-status=") == 5  # one per report's course, none for outsiders
    assert page(client, team["boss"], f"/team/learners/{team['expiring'].pk}/").count("2027-01-09") == 0
    client.force_login(team["boss"])
    assert client.get(f"/team/learners/{team['outsider'].pk}/").status_code == 404
    assert client.get("/team/", {"manager": team["rival"].pk}).status_code == 403
    rival_page = page(client, team["rival"], "/team/")
    assert "外人" in rival_page and "2027-01-09" in rival_page and "77.00" in rival_page
    assert "expiring@example.com" not in rival_page and "2026-12-05" not in rival_page and "2.50" not in rival_page


def test_the_learner_page_shows_their_certificate_retraining_and_credit_hours(client, team):
    html = page(client, team["boss"], f"/team/learners/{team['expiring'].pk}/")
    course_line = html.split("data-course-certificate>", 1)[1].split("</p>", 1)[0]
    assert 'data-certificate-status="expiring"' in course_line and "until 2026-11-30" in course_line
    assert "course revision 1 → 2, modules 3" in html and "Due 2026-12-05" in html
    assert "Credit hours 2026" in html and "Online: 2.50 h · Offline: 3.00 h · Pending: 1.25 h" in html
    revoked = page(client, team["boss"], f"/team/learners/{team['revoked'].pk}/")
    assert 'data-certificate-status="revoked"' in revoked and "revoked on 2026-11-18" in revoked
    assert "作弊" not in revoked  # HR's revocation reason stays on HR's page
    never = page(client, team["boss"], f"/team/learners/{team['never'].pk}/")
    assert 'data-certificate-status="never"' in never and "Needs retraining" not in never


def test_the_compliance_columns_are_translated(client, team):
    html = page(client, team["boss"], "/team/", language="zh-hans")
    assert "即将到期" in html and "从未获证" in html and "已撤销" in html
    assert "需要复训" in html and "2026 年学时" in html and "撤销于 2026-11-18" in html
    assert "即将到期或已过期的证书" in html
    assert "线上：2.50 学时 · 线下：3.00 学时 · 待计：1.25 学时" in html and "30 天内到期" in html
    learner = page(client, team["boss"], f"/team/learners/{team['expiring'].pk}/", language="zh-hans")
    assert "2026 年学时" in learner and "证书" in learner


def test_the_team_page_query_count_does_not_grow_with_compliance_data(client, team):
    client.force_login(team["boss"])
    client.get("/team/")
    with CaptureQueriesContext(connection) as small:
        client.get("/team/")
    for n in range(6):
        person = UserFactory(email=f"extra{n}@example.com", manager=team["boss"])
        Enrollment.objects.create(user=person, course=team["course"])
        certify(person, team["course"], valid_for_days=n - 2)
        retrain(person, team["modules"][n % 3], due=date(2026, 12, 1 + n))
        credit(person, team["modules"][0], hours="1.00")
        OfflineCredit.objects.create(user=person, title="演练", held_on=date(YEAR, 2, 1), hours=Decimal("2.00"),
                                     category="安全", reason="线下")
    with CaptureQueriesContext(connection) as bigger:
        html = client.get("/team/").content.decode()
    assert html.count("data-credit-hours") == 11
    assert len(bigger) == len(small) == ONE_LEVEL_TEAM_PAGE_QUERIES, "\n".join(
        q["sql"] for q in bigger.captured_queries)
