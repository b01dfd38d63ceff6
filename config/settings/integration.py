"""Integration tests' subprocesses (a real Celery worker, send_reminders): the test settings with a
real Redis broker and a real SMTP server. Only tests/reminders/test_integration.py uses it."""

import os

from .test import *  # noqa: F403

REDIS_URL = os.environ["REDIS_URL"]
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
# One queue per test run, so parallel runs sharing a Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ["EMAIL_PORT"])
EMAIL_TIMEOUT = 5
