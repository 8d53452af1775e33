"""Settings for onestop, read from the environment with safe defaults.

Embedded default (no environment): SQLite under var/, Celery eager, console email,
DEBUG on. Production sets DEBUG=0, SECRET_KEY, ONESTOP_LOOKUP_KEY, ONESTOP_AUDIT_ANCHOR_KEY,
ALLOWED_HOSTS, SITE_URL, DATABASE_URL and CELERY_BROKER_URL (see docs/deploy.md).
"""
import hashlib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ONESTOP_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the site refuses to start without a "
            "secret key: set SECRET_KEY to a long random string (see docs/deploy.md)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

# The citizens' lookup key: hashes the secret printed on receipts and signs their QR links
# (workflows/codes.py). Kept apart from SECRET_KEY so either can be rotated alone; the first key
# hashes and signs, every key verifies (docs/decisions/0010-lookup-key-rotation.md).
# With DEBUG off a missing or weak key refuses to start (below, after SECRET_KEY's checks).
_lookup_key = env_str("ONESTOP_LOOKUP_KEY")
_old_lookup_keys = env_list("ONESTOP_LOOKUP_OLD_KEYS", [])
if not _lookup_key and DEBUG:
    # Derived from the development SECRET_KEY; a demo database made before the lookup key
    # existed hashed and signed with SECRET_KEY itself, so that stays an old key.
    _lookup_key = hashlib.sha256(f"onestop.lookup:{SECRET_KEY}".encode()).hexdigest()
    _old_lookup_keys = env_list("ONESTOP_LOOKUP_OLD_KEYS", [SECRET_KEY])
ONESTOP_LOOKUP_KEYS = [_lookup_key, *[key for key in _old_lookup_keys if key != _lookup_key]]

# The audit anchors' key: signs the daily digest of every dossier's chain head (workflows/audit.py).
# Never stored in the database the anchors vouch for (docs/decisions/0015-audit-anchoring.md).
# With DEBUG off a missing or weak key refuses to start (below).
ONESTOP_AUDIT_ANCHOR_KEY = env_str("ONESTOP_AUDIT_ANCHOR_KEY")
if not ONESTOP_AUDIT_ANCHOR_KEY and DEBUG:
    ONESTOP_AUDIT_ANCHOR_KEY = hashlib.sha256(f"onestop.audit-anchor:{SECRET_KEY}".encode()).hexdigest()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "procedures",
    "workflows",
    "petitions",
    "notifications",
    "reporting",
    "documents",
    "signing",
    "payments",
    "digitisation",
    "portal_sync",
    "portal_intake",
    "scoreboard",
    "demo",
    # REST API and login hardening (onestop/api)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "axes",
    # the site: shared templates and tags, then one app per audience
    "onestop",
    "onestop.counter",
    "onestop.desk",
    "onestop.portal",
    "onestop.oversight",
    "onestop.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers locked-out logins (see AXES_* below)
]

# viewflow's site/turbo middleware is for its own frontend; we render our own screens.
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "onestop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onestop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "onestop.context_processors.user_roles",
            ],
        },
    },
]

WSGI_APPLICATION = "onestop.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}"),
        # Persistent connections (one per worker thread), checked before reuse after an idle spell.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the demo server read while a request writes; a busy timeout instead of
    # "database is locked" under concurrent requests. Transactions take the write lock when they
    # begin (IMMEDIATE): two concurrent actions queue behind each other within the timeout, where
    # a deferred transaction that read first and then writes fails at once (SQLITE_BUSY).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents live outside any public path; a permission-checked view serves them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
# The dossiers' files (uploads and results): workflows.uploads reads and writes only through this
# storage (docs/decisions/0029-file-storage.md). By default the file system under MEDIA_ROOT (no
# "location": it follows MEDIA_ROOT), readable by the service's group only. DOSSIER_STORAGE=s3
# selects an S3-compatible store through django-storages (installed and configured by the
# deployment, docs/deploy.md); it must be a private bucket: no public URL ever serves a file.
STORAGES["dossiers"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
}
if env_str("DOSSIER_STORAGE") == "s3":
    STORAGES["dossiers"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DOSSIER_S3_BUCKET"),
            "endpoint_url": env_str("DOSSIER_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DOSSIER_S3_REGION") or None,
            "access_key": env_str("DOSSIER_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DOSSIER_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("DOSSIER_S3_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,  # never replace a stored file: a taken name gets another
        },
    }
elif env_str("DOSSIER_STORAGE") not in ("", "filesystem"):
    raise ImproperlyConfigured("DOSSIER_STORAGE must be 'filesystem' (the default) or 's3'.")
# Sign the electronic result where keys are configured (docs/decisions/0028). Off only for bulk
# runs that must stay fast: the demo's simulation (about 0.15 s of signing per granted dossier).
ONESTOP_SIGN_RESULTS = env_bool("ONESTOP_SIGN_RESULTS", True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Celery: without a broker, run tasks eagerly in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a task left unacknowledged (acks_late: its worker died) after this many
# seconds, even to a second worker while the first is still running it. So it must exceed the
# longest task (the nightly rollup refresh, ~10 minutes at 10M dossiers; the audit verification
# alike) and the longest retry countdown, which a worker also holds unacknowledged (1 hour,
# notifications/sending.py): 2 hours (docs/worker.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "onestop@localhost")

# Base URL used in printed QR codes and e-mails (the citizen's status page).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Domain settings (defaults; per-unit values live in the database).
ONESTOP = {
    # A dossier is "at risk" when this much working time or less remains.
    "AT_RISK_WORKING_HOURS": env_int("ONESTOP_AT_RISK_WORKING_HOURS", 8),
}

# --- uploads and notifications (onestop/portal, notifications/) --------------------------
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# The product's own online submission pages. A province linked to the national portal turns this off:
# citizens then submit on dichvucong.gov.vn and onestop pulls those dossiers (portal_intake, ADR 0037);
# the status lookup keeps working either way.
ONLINE_SUBMISSION_ENABLED = env_bool("ONLINE_SUBMISSION_ENABLED", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Dotted path of the SMS backend class; the demo logs messages instead of sending them.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.LoggingSMSBackend")
PORTAL_LOOKUP_MAX_FAILURES = env_int("PORTAL_LOOKUP_MAX_FAILURES", 10)  # per address per 15 minutes
# Reverse proxies that append to X-Forwarded-For in front of the site (0: use REMOTE_ADDR).
PORTAL_TRUSTED_PROXIES = env_int("PORTAL_TRUSTED_PROXIES", 0)

# --- fees and online payment (payments/, docs/decisions/0025-fees-and-payment.md) ---------
# The gateway's base URL, the merchant code it gave us and the shared HMAC secret; without a URL
# online payment is not offered. The development secret is derived from SECRET_KEY.
ONESTOP_PAYMENT_GATEWAY_URL = env_str("ONESTOP_PAYMENT_GATEWAY_URL")
ONESTOP_PAYMENT_GATEWAY_MERCHANT = env_str("ONESTOP_PAYMENT_GATEWAY_MERCHANT", "ONESTOP")
ONESTOP_PAYMENT_GATEWAY_SECRET = env_str("ONESTOP_PAYMENT_GATEWAY_SECRET") or (
    hashlib.sha256(f"onestop.payment:{SECRET_KEY}".encode()).hexdigest() if DEBUG else "")

# --- the national portal link (portal_sync, portal_intake; docs/portal-protocol.md) ------
# Without a URL nothing is sent or pulled: records wait in the outbox (state "pending").
PORTAL_URL = env_str("PORTAL_URL")
PORTAL_TOKEN = env_str("PORTAL_TOKEN")
PORTAL_SECRET = env_str("PORTAL_SECRET")
PORTAL_TIMEOUT_SECONDS = env_int("PORTAL_TIMEOUT_SECONDS", 10)
# Write every dossier event to the outbox (portal_sync.outbox). On by default once a portal is
# configured; a province may turn it on before its link works, and the records wait.
PORTAL_SYNC_ENABLED = env_bool("PORTAL_SYNC_ENABLED", bool(PORTAL_URL))

# --- REST API and login hardening (onestop/api) -----------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, bounded before decoding: API_MAX_BODY_BYTES (413) and API_MAX_JSON_DEPTH (400).
    "DEFAULT_PARSER_CLASSES": ["onestop.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "onestop.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "onestop.api.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Client address behind N reverse proxies: the same PORTAL_TRUSTED_PROXIES as the portal's throttle.
    "NUM_PROXIES": PORTAL_TRUSTED_PROXIES or None,
}
# The largest legitimate body (a supplement request: 50 items of 1000 characters, \u-escaped)
# is ~330 kB; no body nests deeper than 2 (docs/decisions/0014-input-limits.md).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 512 * 1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 10)
SPECTACULAR_SETTINGS = {
    "TITLE": "onestop API",
    "DESCRIPTION": "Một cửa, một cửa liên thông: catalog, dossiers, public status and oversight metrics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "workflows.statuses.Status",
        "ChannelEnum": "workflows.models.Channel",
        "CounterChannelEnum": [("counter", "counter"), ("postal", "postal"), ("outside", "outside")],
    },
}
# A shared cache (Redis) keeps lookup throttling consistent across several web nodes.
if env_str("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "onestop.cache.ReusingRedisCache", "LOCATION": env_str("CACHE_URL")}}

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onestop.api.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = PORTAL_TRUSTED_PROXIES or None

# --- production security -----------------------------------------------------------------
if not DEBUG:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))' (see docs/deploy.md)."
        )
    if not _lookup_key:
        raise ImproperlyConfigured(
            "ONESTOP_LOOKUP_KEY is not set. With DEBUG off the site refuses to start without the "
            "lookup key: set ONESTOP_LOOKUP_KEY to a long random string, different from SECRET_KEY "
            "(see docs/deploy.md)."
        )
    if len(_lookup_key) < 50 or len(set(_lookup_key)) < 5 or _lookup_key == SECRET_KEY:
        raise ImproperlyConfigured(
            "ONESTOP_LOOKUP_KEY is too weak for production: use at least 50 random characters, "
            "different from SECRET_KEY (see docs/deploy.md)."
        )
    if not ONESTOP_AUDIT_ANCHOR_KEY:
        raise ImproperlyConfigured(
            "ONESTOP_AUDIT_ANCHOR_KEY is not set. With DEBUG off the site refuses to start without the "
            "key that signs the audit anchors: set it to a long random string, different from SECRET_KEY "
            "and ONESTOP_LOOKUP_KEY (see docs/deploy.md)."
        )
    if (len(ONESTOP_AUDIT_ANCHOR_KEY) < 50 or len(set(ONESTOP_AUDIT_ANCHOR_KEY)) < 5
            or ONESTOP_AUDIT_ANCHOR_KEY in (SECRET_KEY, _lookup_key)):
        raise ImproperlyConfigured(
            "ONESTOP_AUDIT_ANCHOR_KEY is too weak for production: use at least 50 random characters, "
            "different from SECRET_KEY and ONESTOP_LOOKUP_KEY (see docs/deploy.md)."
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    # WhiteNoise's hashed, compressed files; tolerant of viewflow's CSS referencing fonts it does not ship.
    STORAGES["staticfiles"] = {"BACKEND": "onestop.api.static_storage.ManifestStorage"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The console handler masks ID and phone numbers (onestop/api/log_masking.py).
    "handlers": {"console": {"()": "onestop.api.log_masking.console_handler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
