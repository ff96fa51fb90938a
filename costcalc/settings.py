"""Settings for costcalc, read from the environment.

Safe defaults: DEBUG is off unless DEBUG=1, SQLite unless DATABASE_URL names another database.
Whenever DEBUG is off these are production settings (HTTPS only, secure cookies, HSTS, hashed
static files) and SECRET_KEY must be set. README.md, "Running in production", lists every variable.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from estimates.pricing import MAX_FORM_FIELDS_PER_CARD, MAX_ITEMS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
# pytest sets PYTEST_VERSION for the length of a session (documented since pytest 8.2). Tests run
# with DEBUG unset, so they get production settings except for the two things that need a deploy
# step: a secret key and collected static files. Any other process without DEBUG=1 is production.
TESTING = "PYTEST_VERSION" in os.environ

# A fixed key is fine for development and tests; production must bring its own, or sessions and
# signed values would be forgeable by anyone who has read this file.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random key, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For development set DEBUG=1 (make run does)."
        )
    SECRET_KEY = "django-insecure-dev-only-key-set-SECRET_KEY-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "estimates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "costcalc.urls"
WSGI_APPLICATION = "costcalc.wsgi.application"

# Django's renderer, with plain <input> widgets written in Python (estimates/web/renderers.py):
# a full editor page renders thousands of them.
FORM_RENDERER = "estimates.web.renderers.FastInputRenderer"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite: a writer takes the lock when its transaction begins and others wait up to 20 s for
# it, so concurrent saves queue instead of failing with "database is locked" (Django 5.1+).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # The test database is a file, not shared-cache memory: SQLite's shared cache locks whole
    # tables and ignores the timeout, so concurrent test saves would fail where a server's wait.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"costcalc-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every process when REDIS_URL is set (rate limits must be shared).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves compressed files under hashed names, so browsers may cache them for a year;
# that needs collectstatic (make serve runs it). Development and tests read the source folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected files, look each request up in the source folders (make run, tests).
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# Strict CSP on every page: no inline script or style anywhere, htmx configured by its meta tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Production, whenever DEBUG is off. Behind a TLS-terminating proxy, that proxy must set
# X-Forwarded-Proto; SECURE_PROXY_SSL_HEADER trusts it only because the proxy overwrites it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Saves per client address and window (estimates/ratelimit.py). Behind N trusted proxies that
# append to X-Forwarded-For, set COSTCALC_NUM_PROXIES=N, or every client counts as the proxy.
COSTCALC_SAVE_RATE_LIMIT = int(os.environ.get("COSTCALC_SAVE_RATE_LIMIT", "30"))
COSTCALC_SAVE_RATE_PERIOD = int(os.environ.get("COSTCALC_SAVE_RATE_PERIOD", "600"))
COSTCALC_NUM_PROXIES = int(os.environ.get("COSTCALC_NUM_PROXIES", "0"))
# Quotes (POST /api/v1/quote) and live recomputes (POST /preview) per client address and window.
# Tests switch every limit but the saves' off; the tests of the limits switch them on.
COSTCALC_RATE_LIMITS_ENABLED = env_bool("COSTCALC_RATE_LIMITS_ENABLED", not TESTING)
COSTCALC_QUOTE_RATE_LIMIT = int(os.environ.get("COSTCALC_QUOTE_RATE_LIMIT", "120"))
COSTCALC_QUOTE_RATE_PERIOD = int(os.environ.get("COSTCALC_QUOTE_RATE_PERIOD", "60"))
COSTCALC_PREVIEW_RATE_LIMIT = int(os.environ.get("COSTCALC_PREVIEW_RATE_LIMIT", "300"))
COSTCALC_PREVIEW_RATE_PERIOD = int(os.environ.get("COSTCALC_PREVIEW_RATE_PERIOD", "60"))

# The editor posts one field per card for its service, accounts and group, one per Region ticked
# and one per usage input: pricing.MAX_FORM_FIELDS_PER_CARD bounds that for any book (a test
# checks each shipped book), so the largest estimate the editor takes always fits.
DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_ITEMS * MAX_FORM_FIELDS_PER_CARD + 100

# How long a process trusts its answer to "which book is current" (estimates.models.CurrentBook):
# a book published by another process prices new previews and quotes here within this time.
COSTCALC_CURRENT_BOOK_SECONDS = float(os.environ.get("COSTCALC_CURRENT_BOOK_SECONDS", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
