"""pmo settings: everything configurable is read from the environment here, and only here.

Defaults run on one machine with SQLite. Set ``PMO_DEBUG=0``, ``PMO_SECRET_KEY`` and
``PMO_ALLOWED_HOSTS`` for a deployment; ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("PMO_HOME", PACKAGE_DIR.parent.parent))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("PMO_DEBUG", True)
SECRET_KEY = os.environ.get("PMO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PMO_SECRET_KEY must be set when PMO_DEBUG=0")
    SECRET_KEY = "insecure-development-key-change-me-" + "x" * 20
# The audit chain's HMAC key: outside the database, so that someone who can write to the database
# cannot recompute the chain after rewriting an event. Its own variable, not derived from
# SECRET_KEY, because the two live differently: rotating SECRET_KEY (after a leak, or routinely)
# only logs people out, while changing this key needs `pmo audit rekey` over the whole trail.
PMO_AUDIT_KEY = os.environ.get("PMO_AUDIT_KEY", "")
if not PMO_AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PMO_AUDIT_KEY must be set when PMO_DEBUG=0 (the audit chain's HMAC key)")
    PMO_AUDIT_KEY = "insecure-development-audit-key-change-me"
elif len(PMO_AUDIT_KEY) < 32:
    raise ImproperlyConfigured("PMO_AUDIT_KEY must be at least 32 characters long")
ALLOWED_HOSTS = env_list("PMO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("PMO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pmo.core",
    "pmo.accounts",
    "pmo.portfolio",
    "pmo.documents",
    "pmo.planning",
    "pmo.resources",
    "pmo.finance",
    "pmo.raid",
    "pmo.procurement",
    "pmo.benefits",
    "pmo.stakeholders",
    "pmo.change",
    "pmo.notifications",
    "pmo.communications",
    "pmo.quality",
    "pmo.governance",
    "pmo.closure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pmo.core.middleware.PermissionsPolicyMiddleware",
    "pmo.core.middleware.NulInQueryMiddleware",  # PostgreSQL cannot take NUL in text: 422 / 400 up front
    "django_htmx.middleware.HtmxMiddleware",
    "pmo.core.busy.DatabaseBusyMiddleware",  # 503 + Retry-After when the database is locked
]

ROOT_URLCONF = "pmo.urls"
WSGI_APPLICATION = "pmo.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portfolio:overview"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pmo.accounts.context_processors.navigation",
            ],
        },
    }
]

# SQLite: WAL so readers never block the writer, IMMEDIATE so a write transaction takes the
# write lock at BEGIN (no deadlock-prone lock upgrades), and a busy timeout so writers queue.
_SQLITE_PATH = os.environ.get("PMO_SQLITE_PATH", str(BASE_DIR / "pmo.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # Tests use a file, not shared-cache memory, so that threads get real locking.
            "TEST": {"NAME": str(BASE_DIR / ".test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Content-Security-Policy (django-csp) on every response, pages and API alike: everything from this
# host, no inline or eval'd script (behaviour lives in static files), no framing, no plugins.
# style= attributes are the one relaxation (style-src-attr): templates and the Gantt set computed
# widths and indents that way. An attribute styles only its own element (no selectors, so no CSS
# exfiltration) and url() is held to img-src 'self'; <style> elements stay forbidden.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Permissions-Policy (pmo.core.middleware): pmo uses none of these browser features.
PERMISSIONS_POLICY = ["accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
                      "microphone", "midi", "payment", "publickey-credentials-get", "serial", "usb",
                      "xr-spatial-tracking", "browsing-topics"]

# Sessions last one working day; a locked-out user waits PMO_LOCKOUT_MINUTES.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
PMO_LOCKOUT_FAILURES = int(os.environ.get("PMO_LOCKOUT_FAILURES", "5"))
PMO_LOCKOUT_MINUTES = int(os.environ.get("PMO_LOCKOUT_MINUTES", "15"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("PMO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PMO_STATIC_ROOT", BASE_DIR / "staticfiles"))
_NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json); only their distributable folders are served.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", _NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE_MODULES / "htmx.org" / "dist"),
]
# ...and from packages whose folder holds much more (demos, other builds, 50 MB of source maps),
# only the files the pages load.
PMO_VENDOR_FILES = {
    "vendor/echarts": (_NODE_MODULES / "echarts" / "dist", ["echarts.min.js"]),
    "vendor/swagger-ui": (_NODE_MODULES / "swagger-ui-dist", ["swagger-ui.css", "swagger-ui.css.map",
                                                             "swagger-ui-bundle.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "pmo.core.staticfiles.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Documents (README "Documents"): files in a private directory outside every served path by default, or in an
# S3-compatible bucket when PMO_DOCUMENTS_S3_BUCKET is set (needs `pip install django-storages[s3]`); every
# download passes through a view that applies the policies, so the store is never public.
PMO_DOCUMENTS_ROOT = Path(os.environ.get("PMO_DOCUMENTS_ROOT", BASE_DIR / "private" / "documents"))
if os.environ.get("PMO_DOCUMENTS_S3_BUCKET"):
    STORAGES["documents"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["PMO_DOCUMENTS_S3_BUCKET"],
        "endpoint_url": os.environ.get("PMO_DOCUMENTS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("PMO_DOCUMENTS_S3_REGION") or None,
        "access_key": os.environ.get("PMO_DOCUMENTS_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("PMO_DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("PMO_DOCUMENTS_S3_PREFIX", "pmo"),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
    }}
else:
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {
        "location": PMO_DOCUMENTS_ROOT, "base_url": "/no-public-url/",
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}
PMO_DOCUMENT_MAX_BYTES = int(os.environ.get("PMO_DOCUMENT_MAX_MB", "25")) * 1024 * 1024
PMO_DOCUMENT_ZIP_MAX_ENTRIES = 5000  # a .docx/.xlsx with more zip entries is refused
PMO_DOCUMENT_ZIP_MAX_BYTES = 200 * 1024 * 1024  # ...or one that expands to more than this
PMO_DOCUMENT_TEXT_MAX_CHARS = 200_000  # text kept for search per version
PMO_DOCUMENT_PDF_MAX_PAGES = 500
PMO_DOCUMENT_EXTRACT_SECONDS = 10
PMO_DOCUMENT_SEARCH_CONFIG = os.environ.get("PMO_DOCUMENT_SEARCH_CONFIG", "english")  # PostgreSQL text search

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get(
    "PMO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("PMO_EMAIL_HOST") else
    "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PMO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PMO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PMO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PMO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PMO_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("PMO_EMAIL_FROM", "pmo@localhost")
EMAIL_USE_SSL = env_bool("PMO_EMAIL_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("PMO_EMAIL_TIMEOUT", "20"))
# Notifications (README "Notifications"): links in e-mails and the iCal feed start with PMO_BASE_URL; the
# periodic tick (time-based events, the digest, retries) runs every PMO_NOTIFY_TICK_SECONDS; the daily digest
# goes out at PMO_DIGEST_HOUR (0-23, in PMO_TIME_ZONE).
PMO_BASE_URL = os.environ.get("PMO_BASE_URL", "http://127.0.0.1:8000")
PMO_NOTIFY_TICK_SECONDS = max(10, int(os.environ.get("PMO_NOTIFY_TICK_SECONDS", "60")))
PMO_DIGEST_HOUR = min(23, max(0, int(os.environ.get("PMO_DIGEST_HOUR", "7"))))

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("PMO_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PMO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One console handler for everything; "django" logs through it once (not also through Django's own
# debug-only console handler), and a 403/404 is one line rather than a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "pmo.core.logs.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PMO_LOG_LEVEL", "WARNING")},
    "loggers": {"django": {"handlers": ["console"], "level": os.environ.get("PMO_LOG_LEVEL", "WARNING"),
                           "propagate": False}},
}
