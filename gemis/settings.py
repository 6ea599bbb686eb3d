"""GEMIS settings, read from the environment.

GEMIS_ENV=production turns on the hardened mode that passes
``gemis check --deploy``; anything else is development (the embedded SQLite demo).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("GEMIS_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("GEMIS_ENV", "development").lower() == "production"

if PRODUCTION:
    SECRET_KEY = os.environ["GEMIS_SECRET_KEY"]  # no default: refuse to start without one
else:
    SECRET_KEY = os.environ.get(
        "GEMIS_SECRET_KEY", "gemis-development-only-key-do-not-use-in-production-0123456789abcdef"
    )

DEBUG = env_bool("GEMIS_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("GEMIS_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("GEMIS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "gemis.core",
    "gemis.orgs",
    "gemis.legal",
    "gemis.plans",
    "gemis.documents",
    "gemis.indicators",
]

MIDDLEWARE = [
    "gemis.orgs.security.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gemis.core.middleware_limits.RequestSizeLimitMiddleware",  # before anything reads the body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in person unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "gemis.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gemis.orgs.security.IdleTimeoutMiddleware",
    "gemis.orgs.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gemis.urls"
WSGI_APPLICATION = "gemis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gemis.core.context_processors.menu",
                "gemis.orgs.context_processors.navigation",
                "gemis.plans.context_processors.notifications",
                "gemis.plans.context_processors.trash",
            ],
        },
    },
]

# Database: DATABASE_URL picks it; unset means the embedded SQLite file.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "gemis.sqlite3",
            # WAL lets the demo server read while a command writes; NORMAL sync is safe with WAL.
            # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent writers wait
            # their turn (up to "timeout" seconds) instead of failing with "database is locked" when a
            # reader upgrades to a writer mid-transaction (SQLite gives up at once to avoid deadlock).
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file, not Django's shared-cache memory database: there locks are per table
            # and the busy timeout does not apply, so the concurrency tests could not pass. One file
            # per test run (pid), so that several runs in one checkout do not share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"gemis-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gemis.orgs.auth.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gemis.orgs.validators.UserAttributeSimilarityValidator"},
    {"NAME": "gemis.orgs.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "gemis.orgs.validators.VarietyValidator"},
    {"NAME": "gemis.orgs.validators.CommonPasswordValidator"},
    {"NAME": "gemis.orgs.validators.NumericPasswordValidator"},
]
LOGIN_URL = "orgs:login"
LOGIN_REDIRECT_URL = "orgs:home"
LOGOUT_REDIRECT_URL = "orgs:login"
# "Quên mật khẩu": a reset link works once and for this long (gemis/orgs/password_reset.py).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Brute-force protection for 30 minutes: an account after 5 failures, whatever spelling of its
# username or e-mail is typed (gemis.orgs.auth.axes_username), and an address after
# GEMIS_IP_FAILURE_LIMIT failures over any accounts (gemis.orgs.lockout). Wrong 2FA codes count too.
AXES_FAILURE_LIMIT = 5
GEMIS_IP_FAILURE_LIMIT = int(os.environ.get("GEMIS_IP_FAILURE_LIMIT", "20"))

# The share of the expected units that must have reported a figure before it decides a status or feeds a
# trend (gemis.indicators.aggregate.IndicatorResult.is_provisional); below it the figure is provisional.
GEMIS_COVERAGE_FOR_STATUS = min(1.0, max(0.0, float(os.environ.get("GEMIS_COVERAGE_FOR_STATUS", "1.0"))))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "gemis.orgs.auth.axes_username"
AXES_HANDLER = "gemis.orgs.lockout.LoginAttemptHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["gemis.formats"]
LANGUAGE_COOKIE_NAME = "gemis_language"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("GEMIS_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("GEMIS_MEDIA_ROOT", VAR_DIR / "media"))  # never served directly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Background work (big exports, imports): django-tasks with its database backend, so the embedded
# default needs no other server; `gemis db_worker` runs the tasks (`gemis demo` starts one).
# GEMIS_TASKS_BACKEND=immediate runs them inside the request instead (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("GEMIS_TASKS_BACKEND", "database") == "immediate"
        else "django_tasks_db.DatabaseBackend",
    }
}

# Email: console in development, SMTP when GEMIS_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("GEMIS_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("GEMIS_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("GEMIS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GEMIS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GEMIS_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("GEMIS_EMAIL_FROM", "GEMIS <gemis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Absolute address of GEMIS, for links in e-mails and calendar feeds.
GEMIS_BASE_URL = os.environ.get("GEMIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day at most
# Signed out after this many minutes without a request (0: never); the login page says why.
GEMIS_IDLE_TIMEOUT_MINUTES = int(os.environ.get("GEMIS_IDLE_TIMEOUT_MINUTES", "30"))
# Two-factor sign-in (authenticator app + recovery codes, gemis/orgs/twofactor.py): anyone may turn it
# on; when required, administrators and coordinators must before doing anything else.
GEMIS_REQUIRE_2FA = env_bool("GEMIS_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "GEMIS"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy, in every mode (the browser tests run under it): scripts only from GEMIS's
# own static files, never inline or eval'd (htmx is told not to eval: <meta name="htmx-config"> in
# base.html). style="" attributes stay allowed (progress bars; ECharts tooltips), <style> blocks not.
# data: images are the PNG downloads of charts and Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Browser features GEMIS never uses are switched off (evidence photos come through
# <input type=file capture>, which needs no camera permission).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("GEMIS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("GEMIS_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GEMIS_LOG_LEVEL", "WARNING")},
    # Sign-ins, failures, lockouts, refusals, account changes: key=value lines (gemis/orgs/security.py).
    "loggers": {"gemis.security": {"level": os.environ.get("GEMIS_SECURITY_LOG_LEVEL", "INFO")}},
}

# Upload limits are enforced again in the views that take files; these stop huge bodies early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request over this many MB of files is refused with 413 before its body is read
# (gemis/core/middleware_limits.py); the handler stops a body that did not announce its length.
GEMIS_MAX_UPLOAD_MB = int(os.environ.get("GEMIS_MAX_UPLOAD_MB", "50"))
FILE_UPLOAD_HANDLERS = [
    "gemis.core.middleware_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Deleted plans, tasks, progress and evidence stay restorable from the trash this many days;
# `gemis purge-trash` then removes their files (the history rows remain).
GEMIS_TRASH_RETENTION_DAYS = int(os.environ.get("GEMIS_TRASH_RETENTION_DAYS", "90"))
