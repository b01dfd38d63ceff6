"""The real thing: PostgreSQL, Redis, a `celery worker` subprocess and an SMTP server on loopback.

The worker and `send_reminders` run as subprocesses with config.settings.integration, pointed at
this test run's database, a Redis queue of their own and the aiosmtpd server started here.
"""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from email.message import Message
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from progress.models import Enrollment
from reminders.models import ReminderLog, ReminderRule
from reminders.rules import local_today
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUEUE_SECONDS = 3
WAIT_SECONDS = 30


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis(transactional_db):
    # CI sets REQUIRE_INTEGRATION=1: there a missing service is a failure, not a skip.
    give_up = pytest.fail if os.environ.get("REQUIRE_INTEGRATION") else pytest.skip
    if connection.vendor != "postgresql":
        give_up("integration tests need PostgreSQL (set DATABASE_URL): the worker subprocess must "
                "see the test database, which an in-memory SQLite database cannot share")
    if not _redis_reachable():
        give_up(f"integration tests need a Redis server at {REDIS_URL} (set TEST_REDIS_URL)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps what it accepts; can be slowed down to let a test kill a sender mid-send."""

    def __init__(self):
        self.messages: list[Message] = []
        self.started = 0
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.started += 1
        if self.delay:
            # If the client dies meanwhile, aiosmtpd cancels this coroutine: the message is not kept,
            # as a real server discards a transaction that never completed.
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(m["To"] for m in self.messages)


class SMTPServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer(free_port())
    try:
        yield server
    finally:
        server.stop()


class Stack:
    """Start/kill the worker and run the dispatcher, all bounded by timeouts."""

    def __init__(self, smtp_port: int, tmp_path: Path):
        db = connection.settings_dict
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        self.queue = f"reminders-test-{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.integration",
            "DATABASE_URL": f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DATABASE_CONN_MAX_AGE": "0", "REDIS_URL": REDIS_URL, "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_PORT": str(smtp_port), "REMINDER_WINDOW": "00:00-00:00",  # the worker's clock is real
            "REMINDER_REQUEUE_SECONDS": str(REQUEUE_SECONDS), "REMINDER_RETRY_BACKOFF_SECONDS": "1",
        }
        self.tmp_path, self.workers, self.started = tmp_path, [], 0

    def start_worker(self) -> subprocess.Popen:
        self.started += 1
        log = self.tmp_path / f"worker-{self.started}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue, "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"{self.queue}-{self.started}@%h"],
            cwd=ROOT, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(process)
        wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, "the worker to start")
        assert process.poll() is None, log.read_text()
        return process

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def dispatch(self) -> str:
        done = subprocess.run([sys.executable, "manage.py", "send_reminders"], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def close(self) -> None:
        for process in self.workers:
            self.kill(process)
        import redis

        redis.Redis.from_url(REDIS_URL).delete(self.queue)

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker-*.log")))


@pytest.fixture
def stack(smtp, tmp_path):
    stack = Stack(smtp.port, tmp_path)
    try:
        yield stack
    finally:
        stack.close()


def wait_for(condition, what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def learners(imported_course):
    """Learners whose course is due in three days (by the real clock): one reminder each."""
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(name="3 days before", kind="due_soon", days=3)
    due = local_today(timezone.now(), "Asia/Shanghai") + timedelta(days=3)

    def make(count: int) -> list[str]:
        users = [UserFactory(email=f"it{n}@example.com") for n in range(count)]
        Enrollment.objects.bulk_create(Enrollment(user=u, course=imported_course, due_date=due) for u in users)
        return sorted(u.email for u in users)

    return make


def all_sent(count: int) -> bool:
    return ReminderLog.objects.filter(status="sent").count() == count


def test_each_email_arrives_once_even_when_the_dispatcher_runs_twice(stack, smtp, learners):
    expected = learners(5)
    smtp.start()
    stack.start_worker()
    assert "5 reminder(s) queued" in stack.dispatch()
    assert "0 reminder(s) queued" in stack.dispatch()
    wait_for(lambda: smtp.inbox.recipients() == expected and all_sent(5), "five emails")
    stack.dispatch()
    time.sleep(1)  # anything extra would have arrived by now
    assert smtp.inbox.recipients() == expected
    message = smtp.inbox.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart() and {p.get_content_type() for p in message.walk()} >= {"text/plain",
                                                                                           "text/html"}


def test_a_worker_killed_mid_send_loses_nothing_and_duplicates_nothing(stack, smtp, learners):
    expected = learners(8)
    smtp.inbox.delay = 1.0  # long enough for a busy machine to notice the third one in flight
    smtp.start()
    first = stack.start_worker()
    stack.dispatch()
    wait_for(lambda: smtp.inbox.started >= 3, "the third email to be in flight")
    stack.kill(first)  # SIGKILL while the SMTP transaction of an email is open
    delivered = len(smtp.inbox.recipients())
    assert 2 <= delivered < 8 and smtp.inbox.started == delivered + 1
    # The batch claimed all eight before sending: the one in flight and those after it wait.
    assert ReminderLog.objects.filter(status="sending").count() == 8 - delivered

    smtp.inbox.delay = 0
    stack.start_worker()
    # The batch task may come back from the broker to the new worker, or the next dispatch takes
    # over the rows claimed too long ago: either way each email goes out once.
    time.sleep(REQUEUE_SECONDS)
    stack.dispatch()
    wait_for(lambda: all_sent(8), "every reminder to be sent")
    time.sleep(0.5)
    assert smtp.inbox.recipients() == expected


def test_reminders_are_delivered_after_the_smtp_server_comes_back(stack, smtp, learners):
    expected = learners(3)
    stack.start_worker()
    stack.dispatch()  # nothing listens on the SMTP port yet: connection refused, retried with backoff
    wait_for(lambda: "Retry in" in stack.logs(), "a retry")
    assert smtp.inbox.recipients() == [] and ReminderLog.objects.filter(status="sent").count() == 0
    smtp.start()
    wait_for(lambda: all_sent(3), "delivery after the server recovered")
    assert smtp.inbox.recipients() == expected
    assert ReminderLog.objects.filter(attempts__gt=1).exists()
