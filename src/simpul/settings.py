"""Simpul settings, read from the environment (django-environ).

Every variable read here is documented in `.env.example`. Defaults give a first run on SQLite under `var/`
with nothing else installed; production sets `SIMPUL_SECRET_KEY`, `SIMPUL_DEBUG=false`, `SIMPUL_HTTPS=true`,
`DATABASE_URL` and `SIMPUL_ALLOWED_HOSTS`.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from simpul.core import sizing

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    environ.Env.read_env(str(_env_file))

VAR_DIR = Path(env.str("SIMPUL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("SIMPUL_DEBUG", default=False)
# The test suite (make test sets it; a bare `pytest` run counts too): plain static storage, no key check.
TESTING = env.bool("SIMPUL_TESTING", default="pytest" in sys.modules)
# `make run` leaves the marker `var/demo-mode` beside the SQLite database it fills with the demo, so that
# `.venv/bin/simpul demo totp EMAIL` (and every other command) runs in demo mode there without
# SIMPUL_DEMO_MODE=true; the marker counts only on that out-of-the-box installation: no SIMPUL_SECRET_KEY,
# no DATABASE_URL, not under test.
_DEMO_DEFAULT = ((VAR_DIR / "demo-mode").exists() and not TESTING
                 and not os.environ.get("SIMPUL_SECRET_KEY") and not os.environ.get("DATABASE_URL"))
DEMO_MODE = env.bool("SIMPUL_DEMO_MODE", default=_DEMO_DEFAULT)
# village operators on a shared device at the village hall are logged out after this many idle minutes
SIMPUL_OPERATOR_IDLE_MINUTES = env.int("SIMPUL_OPERATOR_IDLE_MINUTES", default=15)
# the number citizens send "STATUS <reference> <PIN>" to, printed on receipts (empty: receipts do not offer SMS)
SIMPUL_SMS_NUMBER = env.str("SIMPUL_SMS_NUMBER", default="")
# shared secret of the SMS/WhatsApp gateway for inbound "STATUS <reference> <PIN>" messages (empty: refused)
SIMPUL_SMS_INBOUND_SECRET = env.str("SIMPUL_SMS_INBOUND_SECRET", default="")
# The "django-insecure-" prefix makes `simpul check --deploy` flag this key (security.W009), and
# simpul.wsgi refuses to serve with it unless SIMPUL_DEBUG or SIMPUL_DEMO_MODE is on.
INSECURE_DEV_KEY = "django-insecure-simpul-development-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("SIMPUL_SECRET_KEY", default=INSECURE_DEV_KEY)
ALLOWED_HOSTS = env.list("SIMPUL_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("SIMPUL_CSRF_TRUSTED_ORIGINS", default=[])
# The public address every absolute link is built from (simpul.core.http.urls.absolute_url): the DCAT catalogue, links
# in SMS, WhatsApp and e-mail, Open311 answers. Without it, the local address on PORT (`make run` and `simpul run
# --port` fill it in).
SITE_URL = env.str("SIMPUL_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# Key for personal-data encryption at rest (NIK) and the keyed look-up hash. Defaults derive from SECRET_KEY
# for a first run; production sets its own, kept apart from SECRET_KEY and backed up with the database.
PDP_ENCRYPTION_KEY = env.str("SIMPUL_PDP_KEY", default="")
# Key of the keyed look-up hash (nik_hash); never rotated with SIMPUL_PDP_KEY (see simpul/core/pdp.py).
PDP_HASH_KEY = env.str("SIMPUL_PDP_HASH_KEY", default="")
# Key of the audit chain (HMAC-SHA256 of every entry), kept outside the database so that write access to the
# database is not enough to rewrite history. Development, tests and the demo derive one from SECRET_KEY;
# `simpul check --deploy` refuses that in production (simpul.E003). Never change it on a running chain.
AUDIT_KEY = env.str("SIMPUL_AUDIT_KEY", default="")
# `simpul audit anchor` (and the daily job core.audit_anchor) append the signed chain head here.
AUDIT_ANCHOR_FILE = Path(env.str("SIMPUL_AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.jsonl")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simpul.core",
    "simpul.regions",
    "simpul.agencies",
    "simpul.accounts",
    "simpul.clients",
    "simpul.catalog",
    "simpul.cases",
    "simpul.notifications",
    "simpul.infrastructure",
    "simpul.assessment",
    "simpul.opendata",
    "simpul.documents",
    "simpul.api",
    "simpul.portal",
    "simpul.backoffice",
    "simpul.administration",
]

MIDDLEWARE = [
    "simpul.core.headers.PermissionsPolicyMiddleware",
    "simpul.api.middleware.PlainHttpKeyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "simpul.core.admission.AdmissionMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "simpul.core.offline.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simpul.accounts.middleware.StaffMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simpul.backoffice.operator.OperatorIdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "simpul.api.middleware.ApiMiddleware",
]

ROOT_URLCONF = "simpul.urls"
WSGI_APPLICATION = "simpul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "simpul.portal.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default; DATABASE_URL=postgres://... switches to PostgreSQL.
_SQLITE_PATH = VAR_DIR / "simpul.sqlite3"
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{_SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Persistent per-thread connections: no open and four PRAGMAs per request (nothing to health-check locally).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("SIMPUL_DB_CONN_MAX_AGE", default=60)
else:
    # Persistent per-thread connections (gunicorn gthread: one per thread), checked before reuse in a request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("SIMPUL_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL read replica for reporting reads (simpul.core.db_router; docs/operations.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["simpul.core.db_router.ReplicaRouter"]
# App labels whose every read goes to the replica (only with DATABASE_REPLICA_URL).
SIMPUL_REPLICA_APPS = env.list("SIMPUL_REPLICA_APPS", default=[])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "simpul.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 5.0: length >= 12 and a common/breached-password check, no composition rules, no forced
# rotation. BSSN 4/2021 asks for composition rules; docs/security.md explains why Simpul follows ASVS.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "simpul.accounts.validators.DemoPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failures (django-axes): at most 10 in 15 minutes, then a back-off.
AXES_FAILURE_LIMIT = env.int("SIMPUL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIMPUL_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per account however the email/phone was typed (case, 0812… vs +62812…).
AXES_USERNAME_CALLABLE = "simpul.accounts.backends.axes_username"
# A village operator on a shared village-hall device is logged out after this many idle minutes.
OPERATOR_IDLE_SECONDS = 60 * SIMPUL_OPERATOR_IDLE_MINUTES
# An invitation link for a new staff member works once and for this many days (simpul.accounts.invitations).
STAFF_INVITATION_DAYS = env.int("SIMPUL_STAFF_INVITATION_DAYS", default=3)
AXES_ENABLED = env.bool("SIMPUL_AXES_ENABLED", default=True)
# The lockout counts by the same client address as every other limit (X-Forwarded-For from trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "simpul.core.clientip.axes_client_ip"
# Password-reset e-mails (simpul.accounts.services): at most this many per address and per client in the window.
PASSWORD_RESET_PER_ADDRESS = env.int("SIMPUL_PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("SIMPUL_PASSWORD_RESET_PER_CLIENT", default=10)
PASSWORD_RESET_WINDOW_SECONDS = env.int("SIMPUL_PASSWORD_RESET_WINDOW_SECONDS", default=3600)
# Case tracking by reference and PIN (simpul.cases.tracking): wrong PINs allowed per reference and client, and per
# client across references, within the window (seconds), before the client must wait.
TRACKING_MAX_FAILURES = env.int("SIMPUL_TRACKING_MAX_FAILURES", default=5)
TRACKING_MAX_FAILURES_PER_IP = env.int("SIMPUL_TRACKING_MAX_FAILURES_PER_CLIENT", default=30)
TRACKING_WINDOW_SECONDS = env.int("SIMPUL_TRACKING_WINDOW_SECONDS", default=15 * 60)
# Answers to the public questionnaire (simpul.assessment.views) one client may send per hour.
ASSESSMENT_PUBLIC_RATE_PER_HOUR = env.int("SIMPUL_ASSESSMENT_PUBLIC_RATE_PER_HOUR", default=30)
# Questionnaire invitations one round may send by SMS per hour (simpul.assessment.services.invitation_sms_send).
ASSESSMENT_INVITATION_SMS_PER_HOUR = env.int("SIMPUL_ASSESSMENT_INVITATION_SMS_PER_HOUR", default=200)

OTP_TOTP_ISSUER = "Simpul"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale/ (see docs/translating.md).
LOCALE_PATHS: list[str] = []
TIME_ZONE = "Asia/Jakarta"
# One date format per language on every page: "4 Desember 2026" / "4 December 2026" (simpul.core.formats).
FORMAT_MODULE_PATH = ["simpul.core.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env.str("SIMPUL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": env.str("SIMPUL_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 31536000
# Source maps are for developers' tools, fetched rarely: compressing the API documentation's 20 MB of them
# (gzip and brotli) was most of collectstatic's time on a first `make run`.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# S3-compatible document storage (MinIO, Ceph, a cloud bucket): `pip install -e .[s3]`,
# SIMPUL_FILE_STORAGE=storages.backends.s3.S3Storage and the SIMPUL_S3_* variables (docs/operations.md).
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("SIMPUL_S3_BUCKET"),
        "endpoint_url": env.str("SIMPUL_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("SIMPUL_S3_REGION", default="") or None,
        "access_key": env.str("SIMPUL_S3_ACCESS_KEY", default="") or None,
        "secret_key": env.str("SIMPUL_S3_SECRET_KEY", default="") or None,
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }
UPLOAD_MAX_BYTES = env.int("SIMPUL_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# A photo (JPG, PNG) may arrive as large as a phone takes it: it is made smaller before it is stored
# (simpul.core.files), so this cap is for what comes in, not for what is kept.
UPLOAD_PHOTO_MAX_BYTES = env.int("SIMPUL_UPLOAD_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
# Chunked uploads anyone may open (simpul.portal.uploads): what may stay open per client address and in all.
UPLOAD_OPEN_PER_CLIENT = env.int("SIMPUL_UPLOAD_OPEN_PER_CLIENT", default=20)
UPLOAD_OPEN_BYTES_PER_CLIENT = env.int("SIMPUL_UPLOAD_OPEN_BYTES_PER_CLIENT", default=100 * 1024 * 1024)
UPLOAD_OPEN_BYTES_TOTAL = env.int("SIMPUL_UPLOAD_OPEN_BYTES_TOTAL", default=1024 * 1024 * 1024)
# Load shedding (simpul.core.admission): requests running at once per process, how long an extra one waits.
# The defaults follow the machine's CPU count (simpul.core.sizing): 4 and 500 ms on 2 cores, 8 and 1 s on 4.
SIMPUL_MAX_INFLIGHT = env.int("SIMPUL_MAX_INFLIGHT", default=sizing.default_max_inflight(sizing.cpu_count()))
SIMPUL_ADMISSION_WAIT_MS = env.int(
    "SIMPUL_ADMISSION_WAIT_MS", default=sizing.default_admission_wait_ms(sizing.cpu_count())
)
SIMPUL_ADMISSION_RETRY_AFTER = env.int("SIMPUL_ADMISSION_RETRY_AFTER", default=5)
# Anonymous public pages (catalogue, service pages, home) served from the cache: simpul.core.pagecache.
SIMPUL_PAGE_CACHE_SECONDS = env.int("SIMPUL_PAGE_CACHE_SECONDS", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# An empty file part (an optional file input left empty) is no file, on every form: simpul.core.uploads.
FILE_UPLOAD_HANDLERS = [
    "simpul.core.uploads.SkipEmptyMemoryFileUploadHandler",
    "simpul.core.uploads.SkipEmptyTemporaryFileUploadHandler",
]
CLAMD_SOCKET = env.str("SIMPUL_CLAMD_SOCKET", default="")

CACHES = {"default": env.cache_url("SIMPUL_CACHE_URL", default="locmemcache://simpul")}
# Rate limits and lockouts (simpul.core.limits): "auto" (default: the cache when it is Redis or Memcached, else
# the database; both shared by every process), "database", or "cache" (only with a cache every process shares).
SIMPUL_LIMITS_STORAGE = env.str("SIMPUL_LIMITS_STORAGE", default="auto")
SIMPUL_LIMITS_CACHE = env.str("SIMPUL_LIMITS_CACHE", default="default")
# Reverse proxies whose X-Forwarded-For is believed (simpul.core.clientip): addresses or CIDR networks.
# The default trusts only this machine, where the documented nginx runs; every limit counts by the client.
SIMPUL_TRUSTED_PROXIES = env.list("SIMPUL_TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])

# Background work: Django's Tasks API (django-tasks backport). Default: database backend with
# `simpul worker`; SIMPUL_TASKS_BACKEND=rq uses django-tasks-rq on Redis (SIMPUL_REDIS_URL).
_TASKS_BACKEND = env.str("SIMPUL_TASKS_BACKEND", default="database")
RQ_QUEUES = {"default": {"URL": env.str("SIMPUL_REDIS_URL", default="redis://127.0.0.1:6379/0")}}
if _TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # django-tasks-rq's check needs django_rq installed
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Outbox delivery: attempts before dead-letter, base of the exponential backoff in seconds.
OUTBOX_MAX_ATTEMPTS = env.int("SIMPUL_OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_BACKOFF_BASE_SECONDS = env.int("SIMPUL_OUTBOX_BACKOFF_BASE", default=30)
OUTBOX_BACKOFF_MAX_SECONDS = env.int("SIMPUL_OUTBOX_BACKOFF_MAX", default=6 * 3600)
# Days a delivered outbox message is kept before the daily purge (dead letters are kept until handled).
OUTBOX_RETENTION_DAYS = env.int("SIMPUL_OUTBOX_RETENTION_DAYS", default=30)
IDEMPOTENCY_TTL_HOURS = env.int("SIMPUL_IDEMPOTENCY_TTL_HOURS", default=48)
# Days a row of the personal-data access log (who opened which case, UU 27/2022) is kept before the daily purge.
ACCESS_LOG_RETENTION_DAYS = env.int("SIMPUL_ACCESS_LOG_RETENTION_DAYS", default=365)
# Days an application draft (answers with NIK encrypted, uploaded documents) is kept untouched before the daily
# purge removes it; a sent draft is deleted at once, when its case is created.
DRAFT_RETENTION_DAYS = env.int("SIMPUL_DRAFT_RETENTION_DAYS", default=30)
# How often in an hour a saved form's link may be sent by SMS, per form and per phone number.
DRAFT_RESUME_SMS_PER_HOUR = env.int("SIMPUL_DRAFT_RESUME_SMS_PER_HOUR", default=3)
# An in-flight idempotent request older than this is taken to be abandoned (its process died).
IDEMPOTENCY_IN_FLIGHT_SECONDS = env.int("SIMPUL_IDEMPOTENCY_IN_FLIGHT_SECONDS", default=120)

# The demo writes its e-mails to files under var/mail/ (one per message) instead of burying the start-up block
# on the console; anywhere else the default prints them.
EMAIL_BACKEND = env.str("SIMPUL_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
                        if DEMO_MODE else "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("SIMPUL_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("SIMPUL_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("SIMPUL_EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("SIMPUL_FROM_EMAIL", default="Simpul <no-reply@simpul.test>")

# An SMS (and WhatsApp) text may take up to this many parts (160 GSM characters each, 153 when joined; 70/67 with
# other characters); a longer one has the officer's note shortened at a word boundary (simpul.notifications.sms_text).
SMS_MAX_PARTS = env.int("SIMPUL_SMS_MAX_PARTS", default=3)
# Notification gateways per channel (simpul.notifications.gateways): "console" logs (the default for SMS and
# WhatsApp), "email" uses EMAIL_BACKEND, "http" POSTs HMAC-signed JSON to URL with SECRET.
NOTIFICATION_GATEWAYS = {
    "email": {"BACKEND": "email"},
    "sms": {
        "BACKEND": env.str("SIMPUL_SMS_GATEWAY", default="console"),
        "URL": env.str("SIMPUL_SMS_GATEWAY_URL", default=""),
        "SECRET": env.str("SIMPUL_SMS_GATEWAY_SECRET", default=""),
    },
    "whatsapp": {
        "BACKEND": env.str("SIMPUL_WHATSAPP_GATEWAY", default="console"),
        "URL": env.str("SIMPUL_WHATSAPP_GATEWAY_URL", default=""),
        "SECRET": env.str("SIMPUL_WHATSAPP_GATEWAY_SECRET", default=""),
    },
}
# Channels a phone number receives (sms, whatsapp).
NOTIFICATION_PHONE_CHANNELS = env.list("SIMPUL_NOTIFY_PHONE_CHANNELS", default=["sms"])

# API keys are stored as HMAC-SHA256 with this key (defaults to SECRET_KEY; set it to keep keys valid
# across a SECRET_KEY change). Bodies larger than API_MAX_BODY_BYTES get a 413 problem.
API_KEY_HMAC_KEY = env.str("SIMPUL_API_KEY_HMAC_KEY", default="")
API_MAX_BODY_BYTES = env.int("SIMPUL_API_MAX_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
# Days a row of the API call log is kept before the daily purge.
API_CALL_LOG_RETENTION_DAYS = env.int("SIMPUL_API_CALL_LOG_RETENTION_DAYS", default=180)
# Issued documents (simpul.documents, docs/documents.md). Who signs: "local" (the regency's own CA, not a certified
# TTE; the default) or "bsre" (BSrE's Esign Client Service). The local backend's key material: the files that
# `simpul documents_ca init` writes under DOCUMENTS_CA_DIR (made on first use in demo mode), or the administrator's
# own signing key, its certificate, the CA certificate (the trust root the verification page checks against) and
# the CA's CRL (embedded in every signature as its validation data).
DOCUMENTS_SIGNING_BACKEND = env.str("SIMPUL_SIGNING_BACKEND", default="local")
DOCUMENTS_CA_DIR = Path(env.str("SIMPUL_DOCUMENTS_CA_DIR", default=str(VAR_DIR / "documents-ca")))
DOCUMENTS_CA_ORGANIZATION = env.str("SIMPUL_DOCUMENTS_CA_ORGANIZATION", default="Simpul")
DOCUMENTS_CA_KEY_SIZE = env.int("SIMPUL_DOCUMENTS_CA_KEY_SIZE", default=3072)
DOCUMENTS_SIGNING_KEY_FILE = env.str("SIMPUL_SIGNING_KEY", default="")
DOCUMENTS_SIGNING_KEY_PASSPHRASE_FILE = env.str("SIMPUL_SIGNING_KEY_PASSPHRASE_FILE", default="")
DOCUMENTS_SIGNING_CERT_FILE = env.str("SIMPUL_SIGNING_CERT", default="")
DOCUMENTS_SIGNING_CA_CERT_FILE = env.str("SIMPUL_SIGNING_CA_CERT", default="")
DOCUMENTS_SIGNING_CRL_FILE = env.str("SIMPUL_SIGNING_CRL", default="")
# The BSrE backend: the Esign Client Service's address and its basic-auth account (the signer's NIK and passphrase
# come from the signer at each signature and are never stored).
BSRE_URL = env.str("SIMPUL_BSRE_URL", default="")
BSRE_USERNAME = env.str("SIMPUL_BSRE_USERNAME", default="")
BSRE_PASSWORD = env.str("SIMPUL_BSRE_PASSWORD", default="")
BSRE_TIMEOUT_SECONDS = env.float("SIMPUL_BSRE_TIMEOUT_SECONDS", default=30.0)
# The public verification page (/verifikasi/<code>/): the largest PDF it checks, and uploads per client per hour.
DOCUMENTS_VERIFY_MAX_BYTES = env.int("SIMPUL_DOCUMENTS_VERIFY_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENTS_VERIFY_PER_HOUR = env.int("SIMPUL_DOCUMENTS_VERIFY_PER_HOUR", default=20)
# Webhooks and agency integrations (simpul.api.webhooks, docs/webhooks.md): the CloudEvents `source` of every event,
# seconds before a delivery attempt counts as failed, hours of retries before a message is dead-lettered, and
# whether URLs may be plain http:// or reach private/loopback addresses (both only in development by default).
SIMPUL_EVENT_SOURCE = env.str("SIMPUL_EVENT_SOURCE", default="urn:simpul:events")
WEBHOOK_TIMEOUT_SECONDS = env.float("SIMPUL_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_RETRY_HOURS = env.float("SIMPUL_WEBHOOK_RETRY_HOURS", default=24.0)
INTEGRATION_RETRY_HOURS = env.float("SIMPUL_INTEGRATION_RETRY_HOURS", default=72.0)
WEBHOOK_ALLOW_INSECURE_URLS = env.bool("SIMPUL_WEBHOOK_ALLOW_INSECURE_URLS", default=DEBUG)
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("SIMPUL_WEBHOOK_ALLOW_PRIVATE_HOSTS", default=DEBUG)
# Receiver origins allowed even over http:// or on a private address (`make run` allows the demo's local
# receiver, `simpul webhook_receiver`, at http://127.0.0.1:8765).
WEBHOOK_ALLOWED_RECEIVERS = env.list("SIMPUL_WEBHOOK_ALLOWED_RECEIVERS", default=[])

REST_FRAMEWORK = {
    # The schema says what the server does (simpul.core.http.schema): public operations, blank text, strict fields.
    "DEFAULT_SCHEMA_CLASS": "simpul.core.http.schema.SimpulAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "simpul.clients.auth.ApiKeyAuthentication",
        "simpul.clients.auth.VerifiedSessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "simpul.core.http.problems.problem_exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "simpul.core.http.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API takes JSON; a view that also takes a form or a file says so itself (agency documents, upload parts).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": "REST API of Simpul, the e-government platform of the regency.",
    "VERSION": "1.0.0",
    "ENUM_NAME_OVERRIDES": {"ServiceKindEnum": "simpul.catalog.models.ServiceKind"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents its errors as RFC 9457 problem details (simpul.core.http.problems).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "simpul.core.http.schema.add_problem_responses",
    ],
}

# Content Security Policy (django-csp 4): no inline scripts or styles, one origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SIMPUL_SESSION_SECONDS", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, switched off (simpul.core.headers; empty: no header).
PERMISSIONS_POLICY = env.str("SIMPUL_PERMISSIONS_POLICY", default=(
    "accelerometer=(), autoplay=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "hid=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), browsing-topics=()"
))
HTTPS = env.bool("SIMPUL_HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SIMPUL_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SIMPUL_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SIMPUL_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a lasting commitment of a whole domain that its owner makes (docs/security.md).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pdp": {"()": "simpul.core.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["pdp"]}},
    "root": {"handlers": ["console"], "level": env.str("SIMPUL_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pikepdf's "logger bridge initialized" and django-axes' start-up banner say nothing an operator needs
        "pikepdf": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
        # WeasyPrint logs each rendering step (and its own stylesheets at import) as INFO; its warnings and errors
        # (a missing image, a figure without alternative text) go to the main "weasyprint" logger and still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# The kabupaten or kota this installation serves, by its Kemendagri code: `simpul reference` loads its regions from
# the national tree, and its name and reference prefix come from there too (simpul.regions.national). The name and
# prefix can be set instead; empty: the tree's name ("Kabupaten Musi Banyuasin") and the prefix derived from it (MUBA).
SIMPUL_KABUPATEN_CODE = env.str("SIMPUL_KABUPATEN_CODE", default="16.06")
SIMPUL_REGENCY_NAME = env.str("SIMPUL_REGENCY_NAME", default="")
SIMPUL_REFERENCE_PREFIX = env.str("SIMPUL_REFERENCE_PREFIX", default="")

# Infrastructure: a probe result counts for at most this many minutes; longer silences are unknown time,
# not down time, in availability figures.
INFRASTRUCTURE_PROBE_MAX_GAP_MINUTES = env.int("SIMPUL_PROBE_MAX_GAP_MINUTES", default=15)
