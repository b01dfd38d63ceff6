"""Redis stopped and started inside the test (its own redis-server): no page answers 500, rate
limits fail open to per-process counters, and an export started meanwhile runs once Redis is back.
"""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client, override_settings

from config.celery import app
from hr.models import ExportLog
from hr.services import export_sweep
from progress.models import Enrollment
from tests.factories import UserFactory
from tests.faults.services import RedisServer

PASSWORD = "a-long-pass-2026"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_server):
    caches = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": redis_server.url,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_SECONDS": 0}}}
    with override_settings(CACHES=caches):
        yield redis_server


def sign_in(password: str) -> str:
    """How a browser's sign-in ends: "signed in", "wrong password", "rate limited" or the status."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": password},
                           HTTP_X_CSRFTOKEN=token)
    page = response.content.decode()
    if response.status_code == 302:
        return "signed in"
    if response.status_code == 429 or "Too many failed login attempts" in page:
        return "rate limited"
    return "wrong password" if response.status_code == 200 else str(response.status_code)


def test_sign_in_works_while_redis_is_down_and_limits_still_hold_per_process(redis_cache, learner):
    # Given Redis is stopped
    learner.set_password(PASSWORD)
    learner.save()
    redis_cache.stop()
    # When someone signs in, right and then wrong many times over
    assert sign_in(PASSWORD) == "signed in"
    wrong = [sign_in("wrong") for _ in range(7)]
    # Then nothing is a 500: wrong passwords get the form, and the rate limit (5 failures per
    # 5 minutes per account) still holds, counted by this process
    assert wrong == ["wrong password"] * 5 + ["rate limited"] * 2
    # And when Redis is back, sign-in uses it again (a fresh counter there)
    redis_cache.start()
    assert sign_in(PASSWORD) == "signed in"


def test_signup_password_reset_and_pages_answer_while_redis_is_down(redis_cache, imported_course, learner):
    redis_cache.stop()
    client = Client()
    assert client.post("/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD,
                                             "password2": PASSWORD}).status_code == 302
    assert client.post("/accounts/password/reset/", {"email": "learner@example.com"}).status_code == 302
    client.force_login(learner)
    for url in ("/", "/me/", "/courses/test-course/", "/courses/test-course/m-1-1/"):
        assert client.get(url).status_code == 200, url


@pytest.fixture
def broker(redis_cache, settings):
    """Celery publishing to this test's Redis, as in production (not in-process)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=redis_cache.url, task_always_eager=False, task_default_queue="faults")
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield redis_cache
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_an_export_started_while_redis_is_down_runs_once_redis_is_back(broker, imported_course, hr_user,
                                                                       settings, tmp_path):
    # Given a large export (over EXPORT_ASYNC_ROWS), and Redis stopped
    settings.EXPORT_DIR, settings.EXPORT_ASYNC_ROWS = tmp_path, 0
    Enrollment.objects.create(user=UserFactory(email="someone@example.com"), course=imported_course)
    client = Client()
    client.force_login(hr_user)
    client.cookies["django_language"] = "en"
    broker.stop()
    # When HR starts it
    response = client.get("/hr/export/?kind=summary_csv", follow=True)
    # Then the page says the queue is down and the export will start by itself, and the export
    # log shows it waiting
    assert response.status_code == 200
    assert "The job queue is unavailable right now" in response.content.decode()
    assert "Waiting: the job queue was unavailable" in client.get("/hr/exports/").content.decode()
    export = ExportLog.objects.get()
    assert export.finished_at is None and export.queued_at is None
    # When Redis is back and beat's sweep runs, with a worker consuming the queue
    broker.start()
    with start_worker(app, pool="solo", perform_ping_check=False, queues=["faults"], shutdown_timeout=30):
        assert export_sweep()["queued"] == 1
        wait_until(lambda: ExportLog.objects.get().email_sent_at is not None)
    # Then it ran once: the file is linked on the export log and HR got one email
    export.refresh_from_db()
    assert export.finished_at and export.attempts == 2 and export.error == ""
    page = client.get("/hr/exports/").content.decode()
    link = re.search(r'href="(/hr/exports/[^"]+/)"', page).group(1)
    assert client.get(link).status_code == 200
    assert len(mail.outbox) == 1


def wait_until(check, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
