"""Settings for the benchmark's own process (seeding, query counts); the server under test runs
config.settings.production, exactly as deployed."""

from config.settings.base import *  # noqa: F403

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # noqa: F405  (shared with the server: sessions are signed)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DEMO_ACCOUNTS_ENABLED = True
ROOT_URLCONF = "bench.urls"
