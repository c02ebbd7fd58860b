"""Settings for Kontor. The environment is read here once; app code reads django.conf.settings.

Embedded mode (the default): SQLite, blobs in a folder, embedded search, jobs in-process, all
under KONTOR_DATA_DIR. Production: each backing service is switched on by its variable
(DATABASE_URL, KONTOR_S3_ENDPOINT_URL, KONTOR_SEARCH_URL, CELERY_BROKER_URL).
"""

import secrets
from pathlib import Path

import environ

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
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# Uploads always go to a temporary file while their SHA-256 is computed, so memory does not
# grow with file size.
FILE_UPLOAD_HANDLERS = ["repository.uploads.HashingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
KONTOR_MAX_UPLOAD_BYTES = env.int("KONTOR_MAX_UPLOAD_BYTES", default=5 * 1024**3)
# Uploads at least this large are streamed to the S3 store in parts while they arrive.
KONTOR_STAGED_UPLOAD_BYTES = env.int("KONTOR_STAGED_UPLOAD_BYTES", default=64 * 1024 * 1024)
# Text of smaller non-PDF files is read during the upload instead of by the worker.
KONTOR_INLINE_TEXT_BYTES = env.int("KONTOR_INLINE_TEXT_BYTES", default=256 * 1024)
KONTOR_BLOB_GC_GRACE_HOURS = env.int("KONTOR_BLOB_GC_GRACE_HOURS", default=24)

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

# --- Auth, API ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
KONTOR_TRUSTED_PROXIES = env.list("KONTOR_TRUSTED_PROXIES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "permissions.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
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
