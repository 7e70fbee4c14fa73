"""Settings shared by every environment.

The environment is read once, here, and a missing or malformed value fails at start-up with
ImproperlyConfigured rather than at the first request that needs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/televente
BASE_DIR = PACKAGE_DIR.parent.parent  # the repository (or the working directory when installed)
VAR_DIR = Path(os.environ.get("TELEVENTE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def database_from_env(default_sqlite: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the worker and the web server read while the other writes; IMMEDIATE
        # transactions avoid "database is locked" upgrades from read to write locks.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    return config


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "auditlog",
    "axes",
    "televente.core",
    "televente.accounts",
    "televente.customers",
    "televente.messaging",
    "televente.catalog",
    "televente.orders",
    "televente.recommend",
    "televente.calls",
    "televente.claims",
    "televente.receivables",
    "televente.knowledge",
    "televente.scripts",
    "televente.market",
    "televente.campaigns",
    "televente.quality",
    "televente.reporting",
    "televente.automation",
    "django_filters",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id, slow SQL is logged (core/observability.py).
    "televente.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "televente.core.observability.UserIdMiddleware",
    "televente.core.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "televente.urls"
WSGI_APPLICATION = "televente.wsgi.application"
ASGI_APPLICATION = "televente.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "televente.core.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASES = {"default": database_from_env(VAR_DIR / "televente.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# A working day plus margin; the session ends even if the browser stays open.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 11 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True
# Off: an id printed in a template ({{ c.pk }} in a link, a hidden input, an element id) must never
# become "1 234". Amounts and counts are grouped explicitly by the `money` and `number` filters.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Built-in CSP (Django 6): no inline script or style anywhere, htmx served from our origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Mail (Django 6.1 MAILERS). Each environment sets MAILERS; messages come from this address.
COMPANY_NAME = os.environ.get("COMPANY_NAME", "Grossiste Démo SAS")  # on documents sent to customers
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # links in notices to colleagues
ORDER_CUTOFF = os.environ.get("ORDER_CUTOFF", "16:00")  # orders after this time are delivered a day later
# Telephony webhook (docs/TELEPHONY.md): events are signed with this shared secret (HMAC-SHA256);
# without it the endpoint refuses everything. Events older than the skew are refused as replays.
TELEPHONY_WEBHOOK_SECRET = os.environ.get("TELEPHONY_WEBHOOK_SECRET", "")
TELEPHONY_MAX_SKEW_SECONDS = int(os.environ.get("TELEPHONY_MAX_SKEW_SECONDS", "300"))
# Click-to-call links in the cockpit: "tel" (any softphone or phone app), "sip" or "callto".
CLICK_TO_CALL_SCHEME = os.environ.get("CLICK_TO_CALL_SCHEME", "tel")
if CLICK_TO_CALL_SCHEME not in ("tel", "sip", "callto"):
    raise ImproperlyConfigured("CLICK_TO_CALL_SCHEME must be tel, sip or callto")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Télévente <ne-pas-repondre@televente.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def mailers_from_env(default_file_path: Path) -> dict:
    """SMTP when SMTP_HOST is set, otherwise files under var/mail (the demo's letterbox)."""
    host = os.environ.get("SMTP_HOST")
    if host:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": host,
                    "port": env_int("SMTP_PORT", 25),
                    "username": os.environ.get("SMTP_USER", ""),
                    "password": os.environ.get("SMTP_PASSWORD", ""),
                    "use_tls": env_bool("SMTP_TLS", False),
                    "timeout": env_int("SMTP_TIMEOUT", 20),
                },
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(default_file_path)},
        }
    }


MAILERS = mailers_from_env(VAR_DIR / "mail")
# SMS go through a provider class (docs/DEPLOY.md); by default they are written to files in var/sms.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "televente.messaging.sms.FileSmsBackend")
SMS_FILE_PATH = VAR_DIR / "sms"

# Background tasks: django.tasks with the database backend (django-tasks-db), worker `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Audit trail (django-auditlog): who changed what, with before/after values.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Logs: plain text by default, one JSON object per line with LOG_FORMAT=json (for a log collector);
# each line of a request carries its id (X-Request-ID). SQL statements slower than SLOW_QUERY_MS are
# logged on "televente.slow_sql".
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 200)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "televente.core.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "televente.core.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
