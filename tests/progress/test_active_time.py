"""Active time: each report is credited in one conditional UPDATE, bounded by the wall clock.

The rule (progress/activetime.py): credited ≤ min(reported, 30 s, now − max(last report, page
view) + 5 s of grace), and a report that used the grace moves the watermark ahead so the next one
cannot use it again. So the total credited over any interval is at most the interval + 5 s.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from progress.models import Enrollment, ModuleProgress
from progress.services import BEAT_GRACE_SECONDS

MODULE_URL = "/courses/test-course/m-1-1/"


@pytest.fixture
def module(imported_course):
    return imported_course.modules.get(slug="m-1-1")


def beat(client, module, seconds=15):
    return client.post(f"/progress/beat/{module.pk}/", {"seconds": seconds})


def credited(learner, module) -> int:
    return ModuleProgress.objects.get(user=learner, module=module).active_seconds


def test_a_burst_of_reports_earns_only_the_elapsed_time_plus_the_grace_once(learner_client, learner, module):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        learner_client.get(MODULE_URL)
    for n in range(10):  # ten reports in 0.23 s right after the page view, each claiming 15 s
        with time_machine.travel(start + timedelta(seconds=n * 0.023), tick=False):
            assert beat(learner_client, module).status_code == 200
    assert credited(learner, module) == BEAT_GRACE_SECONDS  # was 75 s
    for n in range(10):  # a minute later, the same burst: the 60 s gap, then nothing but no new grace
        with time_machine.travel(start + timedelta(seconds=60 + n * 0.023), tick=False):
            beat(learner_client, module)
    assert credited(learner, module) == 5 + 15 + 5 <= 60.23 + BEAT_GRACE_SECONDS


def test_the_first_report_right_after_the_page_view_gets_no_more_than_the_grace(learner_client, learner, module):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        learner_client.get(MODULE_URL)
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        beat(learner_client, module, 30)
    assert credited(learner, module) == 1 + BEAT_GRACE_SECONDS


def test_steady_reports_from_a_clock_a_little_fast_lose_nothing(learner_client, learner, module):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        learner_client.get(MODULE_URL)
    for n in range(1, 9):  # the browser says 15 s, our clock saw 14.5 s each time
        with time_machine.travel(start + timedelta(seconds=14.5 * n), tick=False):
            beat(learner_client, module, 15)
    total = credited(learner, module)
    assert total <= 14.5 * 8 + BEAT_GRACE_SECONDS
    assert total >= 14.5 * 8 - 8  # whole seconds are credited: at most one lost per report


def test_two_tabs_of_the_same_module_share_one_wall_clock(client, learner, module):
    client.force_login(learner)
    other_tab = Client()
    other_tab.force_login(learner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(MODULE_URL)
        other_tab.get(MODULE_URL)
    for n in range(1, 21):  # five minutes, both tabs reporting 15 s every 15 s, 7 s apart
        with time_machine.travel(start + timedelta(seconds=15 * n), tick=False):
            beat(client, module)
        with time_machine.travel(start + timedelta(seconds=15 * n + 7), tick=False):
            beat(other_tab, module)
    assert credited(learner, module) <= 15 * 20 + 7 + BEAT_GRACE_SECONDS


def test_reports_for_a_module_never_opened_credit_nothing(learner_client, learner, module):
    assert beat(learner_client, module).status_code == 404
    assert not ModuleProgress.objects.filter(user=learner).exists()


def test_a_heartbeat_is_one_update_and_does_not_recompute_rollups(learner_client, learner, module,
                                                                 django_assert_num_queries):
    learner_client.get(MODULE_URL)
    with django_assert_num_queries(3):  # session, user, the conditional UPDATE
        beat(learner_client, module)
    assert Enrollment.objects.get(user=learner).active_seconds == 0
    # The enrolment's rollups catch up on the next recorded view, read or submission.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        learner_client.get(MODULE_URL)
    assert Enrollment.objects.get(user=learner).active_seconds == credited(learner, module) > 0


POSTERS = 50


def test_fifty_concurrent_reports_earn_at_most_the_elapsed_time_plus_the_grace(transactional_db, course_dir,
                                                                                learner):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI sets DATABASE_URL): SQLite serialises every writer")
    from django.core.management import call_command

    call_command("import_content", str(course_dir.parent))
    client = Client()
    client.force_login(learner)
    client.get(MODULE_URL)
    module = ModuleProgress.objects.get(user=learner).module
    viewed = timezone.now()
    barrier = threading.Barrier(POSTERS)

    def post(_):
        poster = Client()
        poster.force_login(learner)
        barrier.wait()
        try:
            return beat(poster, module, 30).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(POSTERS) as pool:
        statuses = list(pool.map(post, range(POSTERS)))
    elapsed = (timezone.now() - viewed).total_seconds()
    assert statuses == [200] * POSTERS
    assert credited(learner, module) <= elapsed + BEAT_GRACE_SECONDS
