"""团队学习 (/team/): a manager sees their direct and indirect reports and nobody else; HR sees
everyone; a non-manager gets 403; the nudge goes through the reminder engine, once a day."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from progress.models import Certificate, Enrollment
from reminders.models import ReminderKind, ReminderLog, ReminderOptOut, ReminderRule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MORNING = "2026-11-20 10:00 +0800"  # inside the reminder window, Shanghai time
TODAY = date(2026, 11, 20)
TEAM_PAGE_QUERIES = 16


@pytest.fixture
def org(imported_course):
    """boss → lead → worker, boss → direct; elsewhere: rival → outsider; a cycle: ping ↔ pong."""
    boss = UserFactory(email="boss@example.com", display_name="老板")
    lead = UserFactory(email="lead@example.com", display_name="组长", manager=boss)
    worker = UserFactory(email="worker@example.com", display_name="员工甲", manager=lead)
    direct = UserFactory(email="direct@example.com", display_name="员工乙", manager=boss)
    rival = UserFactory(email="rival@example.com", display_name="别的经理")
    outsider = UserFactory(email="outsider@example.com", display_name="外部门员工", manager=rival)
    ping = UserFactory(email="ping@example.com", display_name="乒")
    pong = UserFactory(email="pong@example.com", display_name="乓", manager=ping)
    ping.manager = pong
    ping.save()
    with time_machine.travel(MORNING, tick=False):
        overdue = Enrollment.objects.create(user=worker, course=imported_course, due_date=TODAY - timedelta(days=3))
        Enrollment.objects.create(user=direct, course=imported_course, due_date=TODAY + timedelta(days=9),
                                  completed_at=timezone.now(), started_at=timezone.now())
        Certificate.objects.create(user=direct, course=imported_course, code="CERT-DIRECT", issued_at=timezone.now(),
                                   learner_name="员工乙", course_title=imported_course.title, total_seconds=600)
        Enrollment.objects.create(user=outsider, course=imported_course, due_date=TODAY - timedelta(days=1))
    return {"boss": boss, "lead": lead, "worker": worker, "direct": direct, "rival": rival, "outsider": outsider,
            "ping": ping, "pong": pong, "overdue": overdue, "course": imported_course}


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_manager_sees_direct_and_indirect_reports_and_nobody_else(client, org):
    page = as_user(client, org["boss"]).get("/team/").content.decode()
    for name in ("组长", "员工甲", "员工乙"):
        assert name in page
    assert "外部门员工" not in page and "别的经理" not in page and "乒" not in page
    assert "CERT-DIRECT" not in page and "2026-11-20" in page  # the certificate's date, not its code
    assert "2026-11-17" in page  # worker's overdue due date, in the overdue list


def test_a_non_manager_gets_403_and_anonymous_visitors_sign_in(client, org):
    assert client.get("/team/").status_code == 302
    assert as_user(client, org["worker"]).get("/team/").status_code == 403
    assert client.get(f"/team/learners/{org['worker'].pk}/").status_code == 404
    assert client.post(f"/team/learners/{org['worker'].pk}/nudge/").status_code == 404


def test_a_manager_cannot_open_or_nudge_another_teams_learner_by_id(client, org):
    as_user(client, org["boss"])
    assert client.get(f"/team/learners/{org['outsider'].pk}/").status_code == 404
    assert client.post(f"/team/learners/{org['outsider'].pk}/nudge/").status_code == 404
    assert client.get(f"/team/learners/{org['boss'].pk}/").status_code == 404  # not their own report either
    assert client.get("/team/learners/999999/").status_code == 404
    assert not ReminderLog.objects.exists()


def test_a_manager_may_open_a_sub_team_but_not_another_managers_team(client, org):
    as_user(client, org["boss"])
    sub = client.get("/team/", {"manager": org["lead"].pk})
    assert sub.status_code == 200 and "员工甲" in sub.content.decode() and "员工乙" not in sub.content.decode()
    assert client.get("/team/", {"manager": org["rival"].pk}).status_code == 403
    assert client.get("/team/", {"manager": "1 OR 1=1"}).status_code == 404
    assert as_user(client, org["lead"]).get("/team/", {"manager": org["boss"].pk}).status_code == 403


def test_hr_sees_any_team_and_any_learner(client, org, hr_user):
    as_user(client, hr_user)
    page = client.get("/team/", {"manager": org["rival"].pk}).content.decode()
    assert "外部门员工" in page
    assert client.get(f"/team/learners/{org['outsider'].pk}/").status_code == 200
    assert client.get("/team/").status_code == 200  # no team of their own: an empty page, not an error


def test_a_cycle_in_the_org_chart_is_walked_once(client, org):
    as_user(client, org["ping"]).cookies["django_language"] = "en"
    page = client.get("/team/").content.decode()
    assert "乓" in page and "team: 1 person," in page


def test_the_header_links_team_learning_only_for_managers(client, org):
    assert 'href="/team/"' in as_user(client, org["lead"]).get("/me/").content.decode()
    assert 'href="/team/"' not in as_user(client, org["worker"]).get("/me/").content.decode()


def test_a_nudge_goes_through_the_reminder_engine_once_a_day_and_is_audited(client, org,
                                                                           django_capture_on_commit_callbacks):
    as_user(client, org["boss"])
    url = f"/team/learners/{org['worker'].pk}/nudge/"
    with time_machine.travel(MORNING, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        client.post(url)
        as_user(client, org["lead"]).post(url)  # another manager of the same person, same day
    (log,) = ReminderLog.objects.filter(rule__kind=ReminderKind.NUDGE)
    assert log.status == ReminderLog.Status.SENT and log.enrollment == org["overdue"]
    assert log.reason == "Nudged by 老板"
    (message,) = mail.outbox
    assert message.to == ["worker@example.com"] and org["course"].title in message.subject
    (entry,) = AuditEntry.objects.filter(action="team.nudge")
    assert entry.actor == org["boss"] and entry.target_id == str(org["worker"].pk)
    assert entry.after["enrollment"] == org["overdue"].pk
    with time_machine.travel("2026-11-21 10:00 +0800", tick=False), django_capture_on_commit_callbacks(execute=True):
        as_user(client, org["boss"]).post(url)
    assert ReminderLog.objects.filter(rule__kind=ReminderKind.NUDGE).count() == 2 and len(mail.outbox) == 2


def test_refused_nudges_say_why_and_send_nothing(client, org):
    as_user(client, org["boss"])
    client.cookies["django_language"] = "en"
    done = client.post(f"/team/learners/{org['direct'].pk}/nudge/", follow=True).content.decode()
    assert "no open course" in done
    ReminderOptOut.objects.create(user=org["worker"], category="deadlines")
    opted = client.post(f"/team/learners/{org['worker'].pk}/nudge/", follow=True).content.decode()
    assert "turned off reminder emails" in opted
    ReminderOptOut.objects.all().delete()
    ReminderRule.objects.filter(kind=ReminderKind.NUDGE).update(is_active=False)
    off = client.post(f"/team/learners/{org['worker'].pk}/nudge/", follow=True).content.decode()
    assert "switched off" in off
    assert not ReminderLog.objects.exists() and not AuditEntry.objects.filter(action="team.nudge").exists()


def test_the_team_page_costs_the_same_queries_however_many_people_are_on_a_level(client, org):
    """session, user, roles + manager flag, the org-chart walk (one query per level: boss, lead,
    worker), course summary, people count and page, certificates, credit hours (online, offline),
    retraining, enrolments, overdue, certificates to renew."""
    as_user(client, org["boss"])
    client.get("/team/")
    with CaptureQueriesContext(connection) as small:
        client.get("/team/")
    for n in range(5):
        UserFactory(email=f"extra{n}@example.com", manager=org["lead"])
    with CaptureQueriesContext(connection) as bigger:
        client.get("/team/")
    assert len(bigger) == len(small) == TEAM_PAGE_QUERIES, "\n".join(q["sql"] for q in bigger.captured_queries)

