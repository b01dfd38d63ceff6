"""Recertification on schedule: the window opens, the recurring modules are due again, renewing
starts the validity again; nothing of the first completion is lost (time-travel tests)."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from progress.models import Certificate, ModuleProgress, Retraining
from progress.retraining import certificates_recertify
from progress.tasks import certificates_recertify_task
from tests.compliance.conftest import import_tree
from tests.coursebuilder import module_file
from tests.factories import UserFactory
from tests.progress.test_certificates import complete_course
from tests.quizhelpers import submit

ISSUED = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)
BEFORE_WINDOW = datetime(2026, 12, 31, 1, 0, tzinfo=UTC)
IN_WINDOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def certified(learner_client, learner, expiring_course):
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, learner)
    return Certificate.objects.get(user=learner)


def relearn(client, user, slug: str, *, right: bool = True) -> None:
    url = f"/courses/test-course/{slug}/"
    submit(client, user, right=right, url=url + "quiz/")
    client.post(url + "read/")


def first_completions() -> dict:
    return {p.module.slug: (p.completed_at, p.best_score) for p in ModuleProgress.objects.select_related("module")}


def recertify_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return certificates_recertify_task()


def test_nothing_opens_before_the_window(certified):
    assert recertify_at(BEFORE_WINDOW) == 0 and not Retraining.objects.exists()


def test_the_window_opens_every_required_module_once_due_on_expiry(certified, learner):
    assert recertify_at(IN_WINDOW) == 3
    assert recertify_at(IN_WINDOW) == 0
    rows = Retraining.objects.filter(user=learner).order_by("module__position")
    assert [r.module.slug for r in rows] == ["m-1-1", "m-1-2", "m-1-3"]
    assert {(r.reason, r.due_date, r.from_course_revision, r.to_course_revision) for r in rows} == {
        ("recertification", date(2027, 1, 31), 1, 1)}


def test_only_the_modules_marked_recurring_come_back(learner_client, learner, expiring_course_dir, db):
    path = module_file(expiring_course_dir, 1, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("minutes: 10\n", "minutes: 10\nrecurring: true\n"),
                    encoding="utf-8")
    import_tree(expiring_course_dir)
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, learner)
    recertify_at(IN_WINDOW)
    assert list(Retraining.objects.values_list("module__slug", flat=True)) == ["m-1-2"]


def test_renewing_restarts_validity_and_keeps_the_first_completion(certified, learner_client, learner):
    first = first_completions()
    recertify_at(IN_WINDOW)
    renewed_at = datetime(2027, 1, 10, 3, 0, tzinfo=UTC)
    with time_machine.travel(renewed_at, tick=False):
        learner_client.force_login(learner)  # a year on, the first session has expired
        page = learner_client.get("/me/").content.decode()
        assert "再次学习" in page and "m-1-1" in page
        relearn(learner_client, learner, "m-1-1")
        relearn(learner_client, learner, "m-1-2")
        certificate = Certificate.objects.get(pk=certified.pk)
        assert certificate.valid_until == certified.valid_until, "not renewed while a module is open"
        relearn(learner_client, learner, "m-1-3")
    certificate = Certificate.objects.get(pk=certified.pk)
    assert certificate.valid_until == datetime(2028, 1, 10, 3, 0, tzinfo=UTC)
    assert certificate.issued_at == ISSUED and certificate.code == certified.code
    assert certificate.stamped_at == renewed_at
    assert not Retraining.objects.filter(completed_at__isnull=True).exists()
    assert first_completions() == first
    assert recertify_at(datetime(2027, 1, 20, tzinfo=UTC)) == 0


def test_reading_alone_or_an_old_pass_does_not_renew(certified, learner_client, learner):
    recertify_at(IN_WINDOW)
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC)):
        learner_client.force_login(learner)
        relearn(learner_client, learner, "m-1-1", right=False)
        for slug in ("m-1-2", "m-1-3"):
            learner_client.get(f"/courses/test-course/{slug}/")
            learner_client.post(f"/courses/test-course/{slug}/read/")
    assert Retraining.objects.filter(completed_at__isnull=True).count() == 3
    assert Retraining.objects.filter(read_at__isnull=False, passed_at__isnull=True).count() == 3
    assert Certificate.objects.get(pk=certified.pk).valid_until == certified.valid_until


def test_an_expired_certificate_is_renewed_when_the_retraining_is_done(certified, client, learner_client, learner):
    recertify_at(IN_WINDOW)
    with time_machine.travel(datetime(2027, 2, 2, tzinfo=UTC)):
        learner_client.force_login(learner)
        assert 'data-status="expired"' in client.get(f"/verify/{certified.code}/").content.decode()
        for slug in ("m-1-1", "m-1-2", "m-1-3"):
            relearn(learner_client, learner, slug)
        assert 'data-status="valid"' in client.get(f"/verify/{certified.code}/").content.decode()
    assert Certificate.objects.get(pk=certified.pk).valid_until.date() == date(2028, 2, 2)


def test_revoked_certificates_and_leavers_are_not_recertified(certified, learner_client, expiring_course):
    other = UserFactory(email="leaver@example.com")
    learner_client.force_login(other)
    with time_machine.travel(ISSUED, tick=False):
        complete_course(learner_client, other)
    Certificate.objects.filter(pk=certified.pk).update(revoked_at=ISSUED)
    other.left_at, other.is_active = ISSUED, False
    other.save()
    assert certificates_recertify(now=IN_WINDOW) == 0


def test_a_module_page_shows_the_retraining_and_the_attempt_limit_starts_again(
        certified, learner_client, learner, expiring_course):
    from quizzes.models import Quiz

    Quiz.objects.filter(module__course=expiring_course).update(max_attempts=1)
    recertify_at(IN_WINDOW)
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC)):
        learner_client.force_login(learner)
        page = learner_client.get("/courses/test-course/m-1-1/").content.decode()
    assert "data-retraining" in page and "2027-01-31" in page and "我已读完" in page
    assert 'name="attempt"' in page, "a fresh attempt despite the one used for the first pass"


def test_the_command_does_what_beat_does(certified, capsys):
    from django.core.management import call_command

    with time_machine.travel(IN_WINDOW, tick=False):
        call_command("recertify")
        call_command("recertify")
    opened = "module(s) to learn again opened for recertification"
    assert capsys.readouterr().out.splitlines() == [f"3 {opened}", f"0 {opened}"]


def test_a_module_archived_meanwhile_does_not_hold_the_renewal_back(certified, learner_client, learner):
    from courses.models import Module

    recertify_at(IN_WINDOW)
    Module.objects.filter(slug="m-1-3").update(archived_at=IN_WINDOW)
    with time_machine.travel(datetime(2027, 1, 10, tzinfo=UTC)):
        learner_client.force_login(learner)
        relearn(learner_client, learner, "m-1-1")
        relearn(learner_client, learner, "m-1-2")
    assert Certificate.objects.get(pk=certified.pk).valid_until.date() == date(2028, 1, 10)
