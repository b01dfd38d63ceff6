"""A newcomer's laptop: debug on, a fixed throwaway key, everything embedded unless env says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-only-insecure-key-do-not-deploy"  # noqa: F405
DEMO_ACCOUNTS_ENABLED = True

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
