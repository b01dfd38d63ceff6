"""seed_demo: a realistic organisation, deterministic per seed, never in production."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings

from accounts.models import User
from demo.services import DEMO_DOMAIN
from progress.models import Certificate, Enrollment, ModuleProgress
from quizzes.models import Attempt


def snapshot() -> dict:
    people = User.objects.filter(email__endswith=DEMO_DOMAIN)
    return {
        "people": list(people.order_by("email").values_list("email", "display_name", "department", "manager__email")),
        "progress": ModuleProgress.objects.filter(user__in=people).count(),
        "seconds": ModuleProgress.objects.filter(user__in=people).aggregate(s=Sum("active_seconds"))["s"],
        "scores": Attempt.objects.filter(user__in=people).aggregate(s=Sum("score"))["s"],
        "due": sorted(Enrollment.objects.filter(user__in=people).values_list("due_date", flat=True)),
        "certificates": Certificate.objects.filter(user__in=people).count(),
    }


@pytest.fixture
def course(db, tmp_path):
    from tests.coursebuilder import write_course

    call_command("import_content", str(write_course(tmp_path, parts=2, modules_per_part=4)))


def test_same_seed_builds_the_same_organisation(course, capsys):
    call_command("seed_demo", "--learners", "60", "--seed", "7", "--course", "test-course")
    first = snapshot()
    call_command("seed_demo", "--learners", "60", "--seed", "7", "--course", "test-course", "--reset")
    assert snapshot() == first
    call_command("seed_demo", "--learners", "60", "--seed", "8", "--course", "test-course", "--reset")
    assert snapshot()["people"] != first["people"]


def test_organisation_looks_like_a_real_one(course, capsys):
    call_command("seed_demo", "--learners", "120", "--seed", "3", "--course", "test-course")
    out = capsys.readouterr().out
    assert "120 learners" in out
    people = User.objects.filter(email__endswith=DEMO_DOMAIN)
    assert people.filter(manager__isnull=False).count() == 120
    assert people.values("department").distinct().count() >= 5
    enrollments = Enrollment.objects.filter(user__in=people)
    assert enrollments.filter(completed_at__isnull=False).exists()
    assert enrollments.filter(completed_at__isnull=True, last_activity_at__isnull=True).exists()
    scores = list(Attempt.objects.filter(user__in=people).values_list("score", flat=True))
    assert min(scores) < 80 <= max(scores)
    from progress.selectors import course_seconds

    certificate = Certificate.objects.filter(user__in=people).select_related("user").first()
    assert certificate.total_seconds == course_seconds(user=certificate.user, course=certificate.course_id) > 0


def test_second_run_without_reset_is_refused(course):
    call_command("seed_demo", "--learners", "5", "--course", "test-course")
    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_demo", "--learners", "5", "--course", "test-course")


@override_settings(DEMO_ACCOUNTS_ENABLED=False)
def test_refuses_in_production_settings(course):
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--learners", "5", "--course", "test-course")
    assert not User.objects.filter(email__endswith=DEMO_DOMAIN).exists()


def test_hr_report_and_learner_pages_work_on_demo_data(course, client, hr_user):
    call_command("seed_demo", "--learners", "40", "--seed", "2", "--course", "test-course")
    client.force_login(hr_user)
    assert client.get("/hr/").status_code == 200
    learner = User.objects.filter(email__endswith=DEMO_DOMAIN, email__startswith="learner").first()
    assert client.get(f"/hr/learners/{learner.pk}/").status_code == 200
    client.force_login(learner)
    assert client.get("/me/").status_code == 200
    assert client.get("/courses/test-course/m-1-1/").status_code == 200


def test_enrolment_rollups_match_the_progress_rows(course):
    from progress.services import enrollment_rollup_refresh

    call_command("seed_demo", "--learners", "30", "--seed", "4", "--course", "test-course")
    stored = {e.user_id: (e.started_at, e.active_seconds, e.modules_completed, e.average_best_score)
              for e in Enrollment.objects.all()}
    for enrollment in Enrollment.objects.select_related("user"):
        enrollment_rollup_refresh(user=enrollment.user, course_id=enrollment.course_id)
    recomputed = {e.user_id: (e.started_at, e.active_seconds, e.modules_completed, e.average_best_score)
                  for e in Enrollment.objects.all()}
    assert stored.keys() == recomputed.keys()
    for user_id, values in stored.items():
        assert values[:3] == recomputed[user_id][:3]
        assert (values[3] is None) == (recomputed[user_id][3] is None)
        assert values[3] is None or abs(values[3] - recomputed[user_id][3]) < 1e-6
