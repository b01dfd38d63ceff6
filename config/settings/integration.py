"""Integration tests' subprocesses (a real Celery worker, send_reminders): the test settings with a
real Redis broker and a real SMTP server. tests/reminders/test_integration.py and
test_channel_integration.py use it."""

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
# As in production: access tokens in the Redis cache and rate-limit buckets in Redis, shared by
# every worker (tests/reminders/test_channel_integration.py kills and restarts workers).
CACHES = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
                     "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2, "RETRY_SECONDS": 5}}}
INTEGRATIONS_RATE_LIMIT_REDIS_URL = REDIS_URL
