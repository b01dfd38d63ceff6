"""Delivery of queued reminder emails by a real Celery worker to an SMTP sink on loopback.

The dispatcher has already queued its tasks in the broker; this starts a worker (production
settings, the bench's database and Redis, SMTP pointed at the sink) and measures messages per
second from the first message the sink accepts to the last one, so the worker's start-up is left
out. The worker's sending window is "any time": the bench may run at night, and the window was
already applied by the dispatcher at its pinned time.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

CONCURRENCY = 4
TIMEOUT_SECONDS = 300


class Sink:
    """aiosmtpd handler that only counts and timestamps what it accepts."""

    def __init__(self):
        self.count, self.first, self.last = 0, None, None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.perf_counter()
        with self.lock:
            self.count += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def deliver(*, root: Path, env: dict, expected: int, settled, log: Path) -> dict:
    """settled(): whether every queued reminder reached a final state (sent, skipped, failed)."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    worker_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production", "EMAIL_HOST": "127.0.0.1",
                  "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false", "REMINDER_WINDOW": "00:00-00:00",
                  "LOG_LEVEL": "WARNING", "DJANGO_SECURE_SSL_REDIRECT": "false"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", str(CONCURRENCY),
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=root, env=worker_env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        while not settled() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        controller.stop()
    span = (sink.last - sink.first) if sink.count > 1 else float("nan")
    return {"expected": expected, "delivered": sink.count, "seconds": span,
            "per_s": (sink.count - 1) / span if sink.count > 1 else 0.0, "worker_concurrency": CONCURRENCY}
