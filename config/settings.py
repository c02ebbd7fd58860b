"""Settings for Kontor. The environment is read here once; app code reads django.conf.settings.

Embedded mode (the default): SQLite, blobs in a folder, embedded search, jobs in-process, all
under KONTOR_DATA_DIR. Production: each backing service is switched on by its variable
(DATABASE_URL, KONTOR_S3_ENDPOINT_URL, KONTOR_SEARCH_URL, CELERY_BROKER_URL).
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import environ
import phonenumbers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DATA_DIR = Path(env.str("KONTOR_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    configured = env.str("SECRET_KEY", default="")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Signs approval sign-offs (`lifecycle.signatures`). Derived from SECRET_KEY unless set, so a
# deployment that rotates SECRET_KEY for sessions sets this one to keep old sign-offs verifiable.
KONTOR_SIGNING_KEY = (
    env.str("KONTOR_SIGNING_KEY", default="")
    or hmac.new(SECRET_KEY.encode(), b"kontor sign-off key", hashlib.sha256).hexdigest()
)
# Keys the digests the audit chain covers instead of IP addresses and the text of `details`
# (`audit.pseudonyms`), so they can be replaced by pseudonyms without breaking `verify`. Derived
# from SECRET_KEY unless set; it must never change once events exist (they would stop verifying),
# so a deployment that rotates SECRET_KEY sets this one first.
KONTOR_AUDIT_KEY = (
    env.str("KONTOR_AUDIT_KEY", default="")
    or hmac.new(SECRET_KEY.encode(), b"kontor audit key", hashlib.sha256).hexdigest()
)
# IP addresses in audit events older than this are replaced by their pseudonym (a daily job).
KONTOR_AUDIT_IP_RETENTION_DAYS = env.int("KONTOR_AUDIT_IP_RETENTION_DAYS", default=180)
DEBUG = env.bool("DEBUG", default=False)

# --- Hosts and HTTPS (limits issue) ---------------------------------------------------------
# Only these Host headers are served (400 otherwise): a comma list, by default the loopback
# names and the bind address `HOST` unless it binds every address.
HOST = env.str("HOST", default="127.0.0.1")
PORT = env.int("PORT", default=8000)
LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def _env_names(name: str) -> list[str]:
    return [item.strip() for item in env.str(name, default="").split(",") if item.strip()]


def _default_allowed_hosts() -> list[str]:
    bind = HOST.strip("[]")
    if bind in ("", "0.0.0.0", "::"):  # noqa: S104 (compared with, not bound to)
        return list(LOOPBACK_HOSTS)
    named = f"[{bind}]" if ":" in bind else bind
    return list(dict.fromkeys([*LOOPBACK_HOSTS, named]))


ALLOWED_HOSTS = _env_names("KONTOR_ALLOWED_HOSTS") or _default_allowed_hosts()

# Browsers reach Kontor over HTTPS (directly or through a TLS proxy that sets X-Forwarded-Proto,
# trusted by gunicorn from FORWARDED_ALLOW_IPS). On by default as soon as a name other than a
# loopback one is served: plain HTTP then crosses a network. `make run` serves loopback only.
KONTOR_HTTPS = env.bool(
    "KONTOR_HTTPS", default=any(host not in LOOPBACK_HOSTS for host in ALLOWED_HOSTS)
)


def _default_trusted_origins() -> list[str]:
    scheme = "https" if KONTOR_HTTPS else "http"
    origins = []
    for host in ALLOWED_HOSTS:
        if host == "*":
            continue
        names = [f"*{host}", host[1:]] if host.startswith(".") else [host]
        for name in names:
            origins += [f"{scheme}://{name}", f"{scheme}://{name}:{PORT}"]
    return origins


CSRF_TRUSTED_ORIGINS = _env_names("KONTOR_CSRF_TRUSTED_ORIGINS") or _default_trusted_origins()

SECURE_SSL_REDIRECT = KONTOR_HTTPS
# Health probes come from inside (a load balancer, a container check) over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = KONTOR_HTTPS
CSRF_COOKIE_SECURE = KONTOR_HTTPS
SECURE_HSTS_SECONDS = env.int("KONTOR_HSTS_SECONDS", default=365 * 24 * 3600 if KONTOR_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("KONTOR_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("KONTOR_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    # Whether every other name under the domain is HTTPS-only is for the domain's owner to say.
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if not SECURE_HSTS_PRELOAD:
    # Preloading is a submission to the browsers' lists, made by the domain's owner.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if not KONTOR_HTTPS and all(host in LOOPBACK_HOSTS for host in ALLOWED_HOSTS):
    # Served to this machine only (`make run`): no network lies between browser and server for
    # HTTPS, HSTS or secure cookies to protect, and browsers would refuse them on plain HTTP.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]

INSTALLED_APPS = [
    # No Django admin site: it would sign in and change users outside the audited services.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "permissions",
    "repository",
    "search",
    "lifecycle",
    "templating",
    "crm",
    "web",
    "django_htmx",
]

MIDDLEWARE = [
    "config.middleware.AllowedHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in the path or query string answers 400 before anything looks it up (config.input).
    "config.input.TextInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "kontor.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
                # failing with "database is locked" on lock upgrade; WAL lets readers go on.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Each serving thread keeps its connection: opening one, with the pragmas above,
            # cost about 1 ms of every request.
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=600),
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file like the server does, not an in-memory database whose shared
            # cache fails a thread's query at once while another thread writes.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Blob storage ---------------------------------------------------------------------------
S3_ENDPOINT_URL = env.str("KONTOR_S3_ENDPOINT_URL", default="")
S3_BUCKET = env.str("KONTOR_S3_BUCKET", default="kontor")
if S3_ENDPOINT_URL:
    BLOB_STORAGE = {
        "BACKEND": "repository.storage.S3BlobStorage",
        "OPTIONS": {
            "endpoint_url": S3_ENDPOINT_URL,
            "bucket": S3_BUCKET,
            "region": env.str("AWS_DEFAULT_REGION", default="us-east-1"),
        },
    }
else:
    BLOB_STORAGE = {
        "BACKEND": "repository.storage.FolderBlobStorage",
        "OPTIONS": {"location": str(DATA_DIR / "blobs")},
    }
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "blobs": BLOB_STORAGE,
}
# --- Static files and sign-in (limits issue) ------------------------------------------------
# WhiteNoise serves the static files (the API docs' Swagger UI, the admin's) in every mode,
# straight from the installed packages through Django's finders, listed once at start: nothing
# to collect, so no way to start a server whose pages lack them, and the files always match
# the installed code. Collected files (`collectstatic` into STATIC_ROOT, for a proxy that
# serves them itself) are served too when present.
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing one
WHITENOISE_USE_FINDERS = True
LOGIN_REDIRECT_URL = "/"

# Uploads always go to a temporary file while their SHA-256 is computed, so memory does not
# grow with file size.
FILE_UPLOAD_HANDLERS = ["repository.uploads.HashingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
KONTOR_MAX_UPLOAD_BYTES = env.int("KONTOR_MAX_UPLOAD_BYTES", default=5 * 1024**3)
# Request bodies (limits issue): any body at most KONTOR_MAX_BODY_BYTES, an API multipart body
# one upload more; refused with 413 before they are read (`config.middleware`).
KONTOR_MAX_BODY_BYTES = env.int("KONTOR_MAX_BODY_BYTES", default=2560 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KONTOR_MAX_BODY_BYTES  # Django's cap on form fields, the same
# Uploads at least this large are streamed to the S3 store in parts while they arrive.
KONTOR_STAGED_UPLOAD_BYTES = env.int("KONTOR_STAGED_UPLOAD_BYTES", default=64 * 1024 * 1024)
# Text of smaller non-PDF files is read during the upload instead of by the worker.
KONTOR_INLINE_TEXT_BYTES = env.int("KONTOR_INLINE_TEXT_BYTES", default=256 * 1024)
KONTOR_BLOB_GC_GRACE_HOURS = env.int("KONTOR_BLOB_GC_GRACE_HOURS", default=24)
# Near duplicates: documents whose texts' estimated Jaccard similarity (of 7-character
# shingles, `repository.minhash`) reaches this share. Below 0.6 the LSH bands miss pairs.
KONTOR_NEAR_DUPLICATE_THRESHOLD = env.float("KONTOR_NEAR_DUPLICATE_THRESHOLD", default=0.8)
if not 0 < KONTOR_NEAR_DUPLICATE_THRESHOLD <= 1:
    raise ValueError("KONTOR_NEAR_DUPLICATE_THRESHOLD must be above 0 and at most 1.")

# --- CRM ------------------------------------------------------------------------------------
# The region a phone number written without a country code is read in (ISO 3166 alpha-2);
# numbers are stored in E.164 (`crm.services.details`). An unknown region stops the start.
KONTOR_PHONE_REGION = env.str("KONTOR_PHONE_REGION", default="DE").strip().upper()
if KONTOR_PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"KONTOR_PHONE_REGION={KONTOR_PHONE_REGION!r} is no region phone numbers know (e.g. DE)."
    )

# --- Document templates ---------------------------------------------------------------------
# A template's .docx at most this large; a render at most this long (wall clock, in its child
# process) and writing at most this many characters of document XML, else 422.
KONTOR_TEMPLATE_MAX_BYTES = env.int("KONTOR_TEMPLATE_MAX_BYTES", default=10 * 1024 * 1024)
KONTOR_RENDER_SECONDS = env.float("KONTOR_RENDER_SECONDS", default=10.0)
KONTOR_RENDER_MAX_CHARACTERS = env.int("KONTOR_RENDER_MAX_CHARACTERS", default=20_000_000)
# The PDF print form: LibreOffice's program, how long one conversion may take and how long a
# request waits for the converter before answering 503.
KONTOR_SOFFICE = env.str("KONTOR_SOFFICE", default="soffice")
KONTOR_PDF_TIMEOUT_SECONDS = env.float("KONTOR_PDF_TIMEOUT_SECONDS", default=60.0)
KONTOR_PDF_QUEUE_SECONDS = env.float("KONTOR_PDF_QUEUE_SECONDS", default=60.0)

# --- OCR of scans and page previews ------------------------------------------------------------
# Tesseract's languages (installed by scripts/services/install.sh); a page of a scan at most
# this many pixels, a scan at most this many pages, one document's OCR at most this long, tried
# at most this many times; at most this many OCR jobs at once in one process (one per core).
KONTOR_OCR_LANGUAGES = env.str("KONTOR_OCR_LANGUAGES", default="eng+deu+rus+fra+spa+ita+por")
KONTOR_OCR_MAX_PIXELS = env.int("KONTOR_OCR_MAX_PIXELS", default=80_000_000)
KONTOR_OCR_MAX_PAGES = env.int("KONTOR_OCR_MAX_PAGES", default=500)
KONTOR_OCR_TIMEOUT_SECONDS = env.float("KONTOR_OCR_TIMEOUT_SECONDS", default=900.0)
KONTOR_OCR_ATTEMPTS = env.int("KONTOR_OCR_ATTEMPTS", default=3)
KONTOR_OCR_JOBS = env.int("KONTOR_OCR_JOBS", default=os.cpu_count() or 1)

# --- Search ---------------------------------------------------------------------------------
SEARCH_URL = env.str("KONTOR_SEARCH_URL", default="")
SEARCH_INDEX_DIR = DATA_DIR / "search-index"
SEARCH_INDEX_PREFIX = env.str("KONTOR_SEARCH_INDEX_PREFIX", default="kontor")

# --- Background jobs ------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# `celery -A config beat` queues the approval deadline job this often (production); in embedded
# mode cron runs `manage.py escalate` instead.
KONTOR_ESCALATE_EVERY_MINUTES = env.int("KONTOR_ESCALATE_EVERY_MINUTES", default=15)
# The audit trail's old addresses are pseudonymised daily (`pseudonymise_audit_addresses` by cron
# in embedded mode).
CELERY_BEAT_SCHEDULE = {
    "pseudonymise-audit-addresses": {
        "task": "audit.tasks.pseudonymise_audit_addresses",
        "schedule": 24 * 60 * 60,
    },
    "escalate-approval-deadlines": {
        "task": "lifecycle.tasks.escalate",
        "schedule": KONTOR_ESCALATE_EVERY_MINUTES * 60.0,
    },
}

# --- Approval deadlines and e-mail ----------------------------------------------------------
# How long before a task's deadline its approvers are reminded (once); at most half the time the
# step gives, so a short deadline is not reminded of the moment it starts.
KONTOR_REMINDER_LEAD_HOURS = env.int("KONTOR_REMINDER_LEAD_HOURS", default=24)
# Where e-mails' links point, e.g. https://kontor.example.org (links are paths when unset).
KONTOR_PUBLIC_URL = env.str("KONTOR_PUBLIC_URL", default="").rstrip("/")
# The e-mail backend as a URL: smtp://user:password@host:587, smtp+tls://..., consolemail://
# (printed to the log, the default), dummymail:// (dropped).
_EMAIL = env.email_url("KONTOR_EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_EMAIL.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_EMAIL.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("KONTOR_EMAIL_FROM", default="kontor@localhost")

# --- Auth, API ------------------------------------------------------------------------------
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("KONTOR_PASSWORD_MIN_LENGTH", default=8)},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
# Every password check over HTTP (API token, /login/) goes through this backend's throttle.
AUTHENTICATION_BACKENDS = ["permissions.login.ThrottledModelBackend"]
# Failed sign-ins allowed per window before a cool-down: for one account from one address, for
# one account from any address, from one address to any account (0 switches a limit off).
KONTOR_LOGIN_LIMIT = env.int("KONTOR_LOGIN_LIMIT", default=5)
KONTOR_LOGIN_ACCOUNT_LIMIT = env.int("KONTOR_LOGIN_ACCOUNT_LIMIT", default=50)
KONTOR_LOGIN_ADDRESS_LIMIT = env.int("KONTOR_LOGIN_ADDRESS_LIMIT", default=100)
KONTOR_LOGIN_WINDOW_SECONDS = env.int("KONTOR_LOGIN_WINDOW_SECONDS", default=900)
KONTOR_LOGIN_COOLDOWN_SECONDS = env.int("KONTOR_LOGIN_COOLDOWN_SECONDS", default=900)
LOGIN_URL = "/login/"
KONTOR_TRUSTED_PROXIES = env.list("KONTOR_TRUSTED_PROXIES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "permissions.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parsers, refusing NUL characters and unpaired surrogates anywhere in a body.
    "DEFAULT_PARSER_CLASSES": [
        "config.input.JSONParser",
        "config.input.MultiPartParser",
        "config.input.FormParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kontor API",
    "DESCRIPTION": "Documents, search, approval routes, templates, CRM and audit.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets sharing a field name get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "StepModeEnum": "lifecycle.models.StepMode",
        "RunStatusEnum": "lifecycle.models.RunStatus",
        "TaskStatusEnum": "lifecycle.models.TaskStatus",
        "DocumentStatusEnum": "repository.models.DocumentStatus",
        "LeadStatusEnum": "crm.models.LeadStatus",
        "LeadWritableStatusEnum": "crm.models.WRITABLE_LEAD_STATUSES",
    },
}

# --- API schema (contract issue) ------------------------------------------------------------
# The schema documents each operation's errors (config.schema.AutoSchema). Request bodies are
# documented as JSON only (API.md: JSON in; uploads are multipart, which their views declare):
# the parsers of form bodies stay, but outside uploads forms are no part of the contract.
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "config.schema.AutoSchema"
SPECTACULAR_SETTINGS["PARSER_WHITELIST"] = ["rest_framework.parsers.JSONParser"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Permissions (ACL issue) ----------------------------------------------------------------
# Refused accesses are audited with the request's IP and user agent; this middleware makes the
# request reachable from `permissions.access` without passing it through every call.
MIDDLEWARE = [*MIDDLEWARE, "permissions.middleware.CurrentRequestMiddleware"]

# --- Search (search issue) ------------------------------------------------------------------
# Extracted text beyond this many characters is not indexed.
SEARCH_MAX_TEXT_CHARS = env.int("KONTOR_SEARCH_MAX_TEXT_CHARS", default=1_000_000)
# Outbox rows per indexer batch, and the back-off while the engine is down.
SEARCH_DRAIN_BATCH = env.int("KONTOR_SEARCH_DRAIN_BATCH", default=200)
SEARCH_RETRY_BASE_SECONDS = env.float("KONTOR_SEARCH_RETRY_BASE_SECONDS", default=2.0)
SEARCH_RETRY_MAX_SECONDS = env.float("KONTOR_SEARCH_RETRY_MAX_SECONDS", default=300.0)
# Embedded mode has no worker to retry: a background timer in the process does.
SEARCH_RETRY_IN_PROCESS = env.bool("KONTOR_SEARCH_RETRY_IN_PROCESS", default=not CELERY_BROKER_URL)
