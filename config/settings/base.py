"""Settings shared by every environment. Values that differ come from environment variables."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The product name in account emails ([name] subjects, sign-off); a migration writes it and SITE_URL's
# host into the Sites row allauth reads (accounts/migrations/0004_site_from_settings.py).
SITE_NAME = os.environ.get("SITE_NAME", "Ops Academy 运营学院")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.dingtalk",
    "allauth.socialaccount.providers.feishu",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "audit",
    "integrations",
    "accounts",
    "accounts.providers.wecom",
    "directory",
    "quizzes",
    "courses",
    "progress",
    "hr",
    "reminders",
    "insights",
    "team",
    "search",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.FormCharsetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis that is down or unreachable must not fail requests: the cache falls back to process
# memory (config/cache.py) and tries Redis again after CACHE_RETRY_SECONDS; connecting and each
# command give up after REDIS_TIMEOUT_SECONDS instead of hanging a worker.
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS,
                        "RETRY_SECONDS": CACHE_RETRY_SECONDS},
        }
    }
else:
    # A real (per-process) cache, so allauth's rate limits still hold on a laptop.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:catalogue"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# Company sign-in (accounts/providers/, the README's "Company sign-in and directory"): allauth social
# accounts; the apps come from the environment below or from the admin (Social applications).
SSO_ONLY = env_bool("SSO_ONLY", False)
SSO_BREAK_GLASS_EMAILS = [email.lower() for email in env_list("SSO_BREAK_GLASS_EMAILS", [])]
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from the company's directory or IdP
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is ours: verified email or employee number only
SOCIALACCOUNT_STORE_TOKENS = False
WECOM_LOGIN_BASE_URL = os.environ.get("WECOM_LOGIN_BASE_URL", "https://login.work.weixin.qq.com")
WECOM_OAUTH_BASE_URL = os.environ.get("WECOM_OAUTH_BASE_URL", "https://open.weixin.qq.com")
DINGTALK_LOGIN_BASE_URL = os.environ.get("DINGTALK_LOGIN_BASE_URL", "https://login.dingtalk.com")
FEISHU_TENANT_KEY = os.environ.get("FEISHU_TENANT_KEY", "")
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_NAME = os.environ.get("OIDC_NAME", "Company SSO")
OIDC_EMPLOYEE_NO_CLAIM = os.environ.get("OIDC_EMPLOYEE_NO_CLAIM", "")
OIDC_ALLOWED_EMAIL_DOMAINS = [d.lower() for d in env_list("OIDC_ALLOWED_EMAIL_DOMAINS", [])]


def _social_app(client_id: str, secret: str, **extra) -> list[dict]:
    return [{"client_id": client_id, "secret": secret, **extra}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS = {
    "wecom": {"APPS": _social_app(os.environ.get("WECOM_CORP_ID", ""), os.environ.get("WECOM_SECRET", ""),
                                  key=os.environ.get("WECOM_AGENT_ID", ""))},
    "dingtalk": {"provider_class": "accounts.providers.dingtalk.provider.CorpDingTalkProvider",
                 "APPS": _social_app(os.environ.get("DINGTALK_APP_KEY", ""),
                                     os.environ.get("DINGTALK_APP_SECRET", ""))},
    "feishu": {"provider_class": "accounts.providers.feishu.provider.CorpFeishuProvider",
               "APPS": _social_app(os.environ.get("FEISHU_APP_ID", ""), os.environ.get("FEISHU_APP_SECRET", ""))},
    "openid_connect": {
        "provider_class": "accounts.providers.oidc.provider.CompanyOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": _social_app(OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, provider_id="oidc", name=OIDC_NAME,
                            settings={"server_url": OIDC_ISSUER}) if OIDC_ISSUER else [],
    },
}

# Directory sync (directory/). DIRECTORY_SOURCES: the IM directories beat pulls (wecom, dingtalk,
# feishu); DIRECTORY_MAX_DEACTIVATE_SHARE: a sync that would deactivate more than this share of the
# source's active people stops and waits for confirmation. SCIM_TOKEN: the bearer token of /scim/v2/.
DIRECTORY_SOURCES = env_list("DIRECTORY_SOURCES", [])
DIRECTORY_MAX_DEACTIVATE_SHARE = float(os.environ.get("DIRECTORY_MAX_DEACTIVATE_SHARE", "0.10"))
SCIM_TOKEN = os.environ.get("SCIM_TOKEN", "")
# (DIRECTORY_SYNC_HOURS, how often beat pulls, is read by config/celery.py.)

ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # one date format per language (config/formats/<locale>/)
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ops Academy <no-reply@ops-academy.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
# Queueing a task while the broker is down fails fast (the caller records it and moves on)
# instead of holding the request through kombu's default retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 0.5}
CELERY_TIMEZONE = TIME_ZONE

# Reminder emails (reminders/; see the README's "Reminder emails" section).
# REMINDER_WINDOW: local daytime window "HH:MM-HH:MM", in each recipient's own time zone.
REMINDER_WINDOW = os.environ.get("REMINDER_WINDOW", "09:00-20:00")
# (REMINDER_DISPATCH_MINUTES, how often beat runs the dispatcher, is read by config/celery.py.)
# REMINDER_REQUEUE_SECONDS: a reminder queued (or claimed by a worker) this long ago without being
# sent is queued again by the next dispatch: covers a lost message or a worker killed mid-send.
# Keep it well above the batch send task's time limit (260 s): a batch claims its rows up front.
REMINDER_REQUEUE_SECONDS = int(os.environ.get("REMINDER_REQUEUE_SECONDS", "900"))
# REMINDER_RETRY_BACKOFF_SECONDS: first retry delay after an SMTP/connection error (doubles, capped).
REMINDER_RETRY_BACKOFF_SECONDS = int(os.environ.get("REMINDER_RETRY_BACKOFF_SECONDS", "30"))
# REMINDER_DEFAULT_CHANNELS: where a rule that names no channels sends, comma-separated from
# email, wecom, dingtalk, feishu (a channel whose platform is not configured below is left out).
REMINDER_DEFAULT_CHANNELS = [c.strip() for c in os.environ.get("REMINDER_DEFAULT_CHANNELS", "email").split(",")
                             if c.strip()]
# Group robots for the HR digest (README, "Reminders in 企业微信 / 钉钉 / 飞书"): the webhook's key /
# access_token / hook token, and the signing secret where the platform signs.
WECOM_ROBOT_KEY = os.environ.get("WECOM_ROBOT_KEY", "")
DINGTALK_ROBOT_ACCESS_TOKEN = os.environ.get("DINGTALK_ROBOT_ACCESS_TOKEN", "")
DINGTALK_ROBOT_SECRET = os.environ.get("DINGTALK_ROBOT_SECRET", "")
FEISHU_ROBOT_HOOK_TOKEN = os.environ.get("FEISHU_ROBOT_HOOK_TOKEN", "")
FEISHU_ROBOT_SECRET = os.environ.get("FEISHU_ROBOT_SECRET", "")

# HR exports: bigger than this many rows run as a background job that emails a link.
EXPORT_ASYNC_ROWS = int(os.environ.get("EXPORT_ASYNC_ROWS", "20000"))
EXPORT_LINK_DAYS = int(os.environ.get("EXPORT_LINK_DAYS", "7"))
EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", VAR_DIR / "exports"))
# Background exports that never reached a worker (broker down, lost message, killed worker) are
# queued again by beat's sweep (EXPORT_SWEEP_MINUTES, read by config/celery.py) this long after they
# were last queued or started; after EXPORT_MAX_ATTEMPTS tries one is marked failed on the export log.
EXPORT_REQUEUE_SECONDS = int(os.environ.get("EXPORT_REQUEUE_SECONDS", "900"))
EXPORT_MAX_ATTEMPTS = int(os.environ.get("EXPORT_MAX_ATTEMPTS", "5"))
# The "export ready" email: retried by the sweep after an SMTP error, first after
# EXPORT_EMAIL_BACKOFF_SECONDS (doubling, at most 1 h apart), at most EXPORT_EMAIL_MAX_ATTEMPTS times.
EXPORT_EMAIL_BACKOFF_SECONDS = int(os.environ.get("EXPORT_EMAIL_BACKOFF_SECONDS", "60"))
EXPORT_EMAIL_MAX_ATTEMPTS = int(os.environ.get("EXPORT_EMAIL_MAX_ATTEMPTS", "8"))

# 学时: the share (percent) of a module's minutes of trusted active time a learner needs before the
# module's credit hours count; a course's `credit_min_active` front matter overrides it. 0: none.
CREDIT_MIN_ACTIVE_PERCENT = int(os.environ.get("CREDIT_MIN_ACTIVE_PERCENT", "0"))

# An evidence pack is drawn while HR waits: at most this many module rows (people × modules), about
# 10 s of PDF layout; a bigger cohort is refused with a message to split it.
EVIDENCE_MAX_ROWS = int(os.environ.get("EVIDENCE_MAX_ROWS", "2000"))

# Audit log retention (PIPL): the scheduled purge removes entries older than this many days;
# 0 keeps them forever. See the README's "Audit log" section.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "1095"))
# Retention of learners' personal data (PIPL), enforced daily by beat (progress.retention_purge);
# 0 keeps that category without limit. Scores, passes, completion, time totals and certificates
# are kept regardless. See the README's "Data lifecycle" section.
RETENTION_ATTEMPT_ANSWERS_DAYS = int(os.environ.get("RETENTION_ATTEMPT_ANSWERS_DAYS", "730"))
RETENTION_REFLECTIONS_DAYS = int(os.environ.get("RETENTION_REFLECTIONS_DAYS", "730"))
RETENTION_LEAVERS_DAYS = int(os.environ.get("RETENTION_LEAVERS_DAYS", "1095"))

CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
# Hosts (besides this site) that module images may come from, e.g. a company CDN; https only.
# Enforced by validation, the sanitiser and the CSP's img-src.
CONTENT_IMAGE_HOSTS = [host.lower() for host in env_list("CONTENT_IMAGE_HOSTS", [])]

# 企业微信 / 钉钉 / 飞书 clients (integrations/; the README's "Integrations" section says what
# to create in each admin console). Base URLs are settings so tests point them at stand-ins.
INTEGRATIONS_HTTP_TIMEOUT = float(os.environ.get("INTEGRATIONS_HTTP_TIMEOUT", "10"))
INTEGRATIONS_TOKEN_MARGIN_SECONDS = int(os.environ.get("INTEGRATIONS_TOKEN_MARGIN_SECONDS", "300"))
INTEGRATIONS_CALLBACK_MAX_AGE_SECONDS = int(os.environ.get("INTEGRATIONS_CALLBACK_MAX_AGE_SECONDS", "300"))
INTEGRATIONS_RATE_LIMIT_REDIS_URL = os.environ.get("INTEGRATIONS_RATE_LIMIT_REDIS_URL", REDIS_URL)
WECOM_BASE_URL = os.environ.get("WECOM_BASE_URL", "https://qyapi.weixin.qq.com")
WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "")
WECOM_AGENT_ID = os.environ.get("WECOM_AGENT_ID", "")
WECOM_SECRET = os.environ.get("WECOM_SECRET", "")
WECOM_CONTACTS_SECRET = os.environ.get("WECOM_CONTACTS_SECRET", "")
WECOM_CALLBACK_TOKEN = os.environ.get("WECOM_CALLBACK_TOKEN", "")
WECOM_CALLBACK_AES_KEY = os.environ.get("WECOM_CALLBACK_AES_KEY", "")
WECOM_ACCOUNT_LIMIT = int(os.environ.get("WECOM_ACCOUNT_LIMIT", "0"))
DINGTALK_API_BASE_URL = os.environ.get("DINGTALK_API_BASE_URL", "https://api.dingtalk.com")
DINGTALK_OAPI_BASE_URL = os.environ.get("DINGTALK_OAPI_BASE_URL", "https://oapi.dingtalk.com")
DINGTALK_APP_KEY = os.environ.get("DINGTALK_APP_KEY", "")
DINGTALK_APP_SECRET = os.environ.get("DINGTALK_APP_SECRET", "")
DINGTALK_AGENT_ID = os.environ.get("DINGTALK_AGENT_ID", "")
DINGTALK_CORP_ID = os.environ.get("DINGTALK_CORP_ID", "")
DINGTALK_CALLBACK_TOKEN = os.environ.get("DINGTALK_CALLBACK_TOKEN", "")
DINGTALK_CALLBACK_AES_KEY = os.environ.get("DINGTALK_CALLBACK_AES_KEY", "")
FEISHU_BASE_URL = os.environ.get("FEISHU_BASE_URL", "https://open.feishu.cn")
FEISHU_APP_ID = os.environ.get("FEISHU_APP_ID", "")
FEISHU_APP_SECRET = os.environ.get("FEISHU_APP_SECRET", "")
FEISHU_VERIFICATION_TOKEN = os.environ.get("FEISHU_VERIFICATION_TOKEN", "")
FEISHU_ENCRYPT_KEY = os.environ.get("FEISHU_ENCRYPT_KEY", "")

def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}" if rest else ""


SSO_FORM_ACTION_ORIGINS = sorted({o for o in map(_origin, [
    WECOM_LOGIN_BASE_URL, WECOM_OAUTH_BASE_URL, DINGTALK_LOGIN_BASE_URL, FEISHU_BASE_URL, OIDC_ISSUER]) if o})

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *(f"https://{host}" for host in CONTENT_IMAGE_HOSTS)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # The company sign-in form posts here and is redirected to the IdP's login page; browsers
        # check form-action on that redirect too.
        "form-action": [SELF, *SSO_FORM_ACTION_ORIGINS],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO, and platform URLs carry access tokens; fontTools logs
    # each table it subsets for every certificate PDF.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}


# Content rendering budget (courses/content/budget.py): each file is rendered in a forked child
# that is killed past this many seconds or this much memory; the file is refused with a message.
CONTENT_RENDER_SECONDS = float(os.environ.get("CONTENT_RENDER_SECONDS", "5"))
CONTENT_RENDER_MEMORY_MB = int(os.environ.get("CONTENT_RENDER_MEMORY_MB", "512"))

# Uploads (config/uploads.py): every file is streamed and at most FILE_UPLOAD_MAX_BYTES of it kept
# in memory; a bigger one reaches the form with its size and no content, and is refused by size.
# The largest upload any form accepts is 2 MB (HR cohort lists); GIFT and module files 256 KB.
FILE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["config.uploads.BoundedUploadHandler"]

# A refused CSRF token gets our page in the visitor's language, not Django's English one.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# The 503 page shown while the database is unreachable asks clients to retry after this long.
SERVICE_RETRY_AFTER_SECONDS = int(os.environ.get("SERVICE_RETRY_AFTER_SECONDS", "30"))

# Fonts embedded (as subsets) in every PDF we make: certificates, 学时证明, evidence packs, a
# learner's own data. A fontconfig family (fc-match) or a TTF/OTF/TTC file; it must cover Chinese
# (Debian: fonts-noto-cjk).
PDF_FONT = os.environ.get("PDF_FONT", "Noto Sans CJK SC:style=Regular")
PDF_FONT_BOLD = os.environ.get("PDF_FONT_BOLD", "Noto Sans CJK SC:style=Bold")
