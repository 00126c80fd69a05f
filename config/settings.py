"""ALIMS Back-office settings: one module, driven by environment variables.

With no variables set this is the embedded/demo setup: SQLite, a local-memory
cache and background jobs run in-process. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=False; `manage.py check --deploy`
refuses unsafe values (see backoffice/core/checks.py and the README).
"""

import os
import sys
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_EVAL, UNSAFE_HASHES
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from backoffice.core.db import database_config
from backoffice.core.storage import default_storage_config
from backoffice.ops.request_log import log_stream
from backoffice.core.env import env_bool, env_float, env_int, env_list, env_str, env_time

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The embedded default is a demo on a laptop; any real deployment sets SECRET_KEY.
# `check --deploy` fails while this insecure key is in use.
INSECURE_SECRET_KEY = "django-insecure-embedded-demo-key-change-me-0123456789abcdefghijklmnop"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Demo data (seed_demo and its well-known passwords) is only allowed in the
# embedded setup. Production leaves this False and seed_demo refuses to run.
DEMO_MODE = env_bool("DEMO_MODE", not env_str("DATABASE_URL"))

INSTALLED_APPS = [
    # unfold and its contrib apps before the apps they theme
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.simple_history",
    "unfold.contrib.import_export",
    "unfold.contrib.guardian",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "import_export",
    "django_rq",
    "backoffice.audit.signins.SignInRecordsConfig",  # django-axes, named for people
    # two-factor sign-in (TOTP and recovery codes); before accounts, whose
    # admin unregisters their device admins
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "backoffice.core",
    "backoffice.accounts",
    "backoffice.customers",
    "backoffice.imports",
    "backoffice.reports",
    "backoffice.audit",
    "backoffice.exports",
    "backoffice.savedviews",
    "backoffice.followups",
    "backoffice.notifications",
    "backoffice.capture",
    "backoffice.webhooks",
    "backoffice.ops",
    "backoffice.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc from our static files
    "health_check",
    "maintenance_mode",
    "csp",
]

MIDDLEWARE = [
    # first: every request gets its id (X-Request-ID) and one log line, whatever answers it
    "backoffice.ops.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, the
    # allowlist's and maintenance mode's answers included
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # ADMIN_IP_ALLOWLIST: before anything else reads the request
    "backoffice.ops.middleware.IPAllowlistMiddleware",
    # a control character (NUL) in any parameter: 400 for every page, once
    "backoffice.core.middleware.RefuseControlCharactersMiddleware",
    # a query cancelled at DB_STATEMENT_TIMEOUT_WEB: 503 "took too long"
    "backoffice.core.middleware.StatementTimeoutMiddleware",
    "backoffice.core.middleware.ValueOutOfRangeMiddleware",
    # The admin's pages are large and repetitive; gzip makes them ~15x smaller.
    # Django's GZipMiddleware pads responses against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # after messages: it says why it signed someone out
    "backoffice.accounts.middleware.SessionIdleTimeoutMiddleware",
    # after the idle timeout: until the second factor, only its own pages
    "backoffice.accounts.middleware.TwoFactorMiddleware",
    # after authentication: superusers work through maintenance
    "backoffice.ops.middleware.MaintenanceModeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes last, as its docs require
    "axes.middleware.AxesMiddleware",
]

# The covering index of the status history (INCLUDE columns) is a PostgreSQL
# optimisation; SQLite builds it without them, which is all the embedded setup needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "config.urls"
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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite in DATA_DIR, or DATABASE_URL. On PostgreSQL, persistent connections
# (DB_CONN_MAX_AGE, checked before reuse) by default, or with DATABASE_POOL=True
# psycopg's pool (DATABASE_POOL_MIN_SIZE / _MAX_SIZE / _TIMEOUT) in each process;
# every connection starts with the web statement timeout. backoffice/core/db.py.
DATABASES = {"default": database_config(os.environ, DATA_DIR)}
DATABASE_POOL = env_bool("DATABASE_POOL", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in DATA_DIR; a fresh clone has no such folder yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# PostgreSQL cancels a statement after this many seconds in a web request (a
# slow search cannot hold a worker), and after DB_STATEMENT_TIMEOUT_JOBS in the
# rq worker and management commands (0: no limit). backoffice/core/db.py.
DB_STATEMENT_TIMEOUT_WEB = env_int("DB_STATEMENT_TIMEOUT_WEB", 20)
DB_STATEMENT_TIMEOUT_JOBS = env_int("DB_STATEMENT_TIMEOUT_JOBS", 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "alims"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: rq workers with REDIS_URL, otherwise run in-process right
# after the surrounding transaction commits (backoffice/core/jobs.py).
JOBS_RUN_IN_PROCESS = env_bool("JOBS_RUN_IN_PROCESS", not REDIS_URL)
# In-process, long jobs (imports, reverts) run on a thread of their own: the
# request returns at once and the page polls their progress.
JOBS_IN_PROCESS_THREADS = env_bool("JOBS_IN_PROCESS_THREADS", True)
RQ_QUEUES = {
    "default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600},
}
RQ_SHOW_ADMIN_LINK = False
# /health/: an rq worker counts as alive if it beat within this many seconds
# (an idle worker beats every worker_ttl - 15 s: 405 s with rq's default TTL of
# 420 s; start workers with --worker-ttl to beat more often, and lower this),
# and the oldest queued job may wait this long (0: not checked).
HEALTH_WORKER_SILENCE_SECONDS = env_int("HEALTH_WORKER_SILENCE_SECONDS", 480)
HEALTH_QUEUE_MAX_AGE_SECONDS = env_int("HEALTH_QUEUE_MAX_AGE_SECONDS", 900)

# --- Follow-up rules -------------------------------------------------------
# Defaults of the working rules managers edit (backoffice/followups): the
# first-call target in working hours, unanswered calls before a lead is "Not
# reachable", days overdue before managers hear of a follow-up, the hour of
# the daily digest (site time), and how often the scheduler runs the sweeps.
SLA_TARGET_HOURS = env_float("SLA_TARGET_HOURS", 2.0)
MAX_ATTEMPTS = env_int("MAX_ATTEMPTS", 5)
ESCALATE_AFTER_DAYS = env_int("ESCALATE_AFTER_DAYS", 2)
DIGEST_TIME = env_time("DIGEST_TIME", "09:00")
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 300)
# The address people open the back-office at: links in emails sent by jobs.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The REST API (/api/v1/): personal tokens or the browser's session; JSON only.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backoffice.api.authentication.TokenAuthentication",
        "backoffice.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "backoffice.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["backoffice.api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "backoffice.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "backoffice.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ALIMS Back-office API",
    "DESCRIPTION": "Customers, status updates, assignments, imports and reports, with the "
                   "same rules about who sees what as the back-office. Authenticate with a "
                   "personal token (your person menu → API tokens), sent as "
                   "`Authorization: Bearer <token>`: **Authorize** below takes it. "
                   "[Back to the back-office](/)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "backoffice.customers.statuses.Status"},
    # the schema (and Swagger UI's Authorize) offers the token; the browser's
    # session works too but is not something to paste a token into
    "AUTHENTICATION_WHITELIST": ["backoffice.api.authentication.TokenAuthentication"],
}

# --- Web forms (POST /capture/<key>/, backoffice/capture) -------------------
# The largest body a website's form may post (bytes), the posts a minute one
# client address may make to one data source's form, and the posts a minute one
# data source's form takes from all addresses together (0: no limit).
CAPTURE_MAX_BYTES = env_int("CAPTURE_MAX_BYTES", 16 * 1024)
CAPTURE_PER_MINUTE = env_int("CAPTURE_PER_MINUTE", 10)
CAPTURE_SOURCE_PER_MINUTE = env_int("CAPTURE_SOURCE_PER_MINUTE", 300)

# --- Outgoing webhooks (backoffice/webhooks) -----------------------------------
# Endpoints must be https unless WEBHOOKS_ALLOW_HTTP, and public addresses
# unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (a receiver on this machine or the
# office network; never on in production: it opens the door to SSRF). After
# WEBHOOKS_MAX_FAILURES failed attempts in a row an endpoint is switched off
# and the managers are told; deliveries are kept WEBHOOKS_KEEP_DAYS days.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOKS_MAX_FAILURES = env_int("WEBHOOKS_MAX_FAILURES", 10)
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30)

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "backoffice.customers.backends.CustomerAccessBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: everyone logs in
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("admin:login")
LOGIN_REDIRECT_URL = reverse_lazy("admin:index")

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)  # a username from an address
# an address, whatever the usernames (an office shares one): ever-new names
# each cost a password hash (backoffice/accounts/throttle.py)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # as throttle.py expects
AXES_HANDLER = "backoffice.accounts.throttle.AxesAddressLimitHandler"
AXES_RESET_ON_SUCCESS = True
# the lock-out page in the signed-out look, saying when to try again (HTTP 429 kept)
AXES_LOCKOUT_CALLABLE = "backoffice.accounts.views.locked_out"
# the same client address as the allowlists (behind a proxy: not the proxy's)
AXES_CLIENT_IP_CALLABLE = "backoffice.ops.network.client_ip"

# --- Two-factor sign-in (django-otp) ----------------------------------------
# Superusers always sign in with a code from an authenticator app (TOTP) or a
# recovery code; with REQUIRE_2FA=True everyone does. Others may turn it on
# for themselves, and then must use it.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ALIMS Back-office")
# After each wrong code the next try waits 1, 2, 4, 8 ... seconds (per device).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_RECOVERY_CODES = 10

# --- Email (password reset links) ------------------------------------------
# With EMAIL_HOST set, mail goes out by SMTP; without, it is written to the
# console (the embedded setup), so a reset link can still be followed there.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ALIMS Back-office <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a hung SMTP server holds no worker for long
PASSWORD_RESET_PER_HOUR = env_int("PASSWORD_RESET_PER_HOUR", 5)  # requests per client address

# --- Sessions and cookies -------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Signed out after this many seconds without a request (0: never). "Remember
# me" at login keeps the session for REMEMBER_ME_DAYS instead, across browser
# restarts and idle time (0 days: no "Remember me").
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
REMEMBER_ME_DAYS = env_int("REMEMBER_ME_DAYS", 14)
# Addresses and networks (comma-separated, e.g. 203.0.113.7,10.0.0.0/8) that may
# use the back-office at all; empty: any. The health endpoint stays open.
ADMIN_IP_ALLOWLIST = env_list("ADMIN_IP_ALLOWLIST")

# --- Maintenance mode (django-maintenance-mode) ---------------------------
# `manage.py maintenance_mode on|off`. While on, everyone gets the 503 page
# except superusers and MAINTENANCE_IP_ALLOWLIST; the state lives in Redis when
# there is one (every web process sees it), else in a file in DATA_DIR.
MAINTENANCE_IP_ALLOWLIST = env_list("MAINTENANCE_IP_ALLOWLIST")
MAINTENANCE_MODE_IGNORE_SUPERUSER = True
MAINTENANCE_MODE_IGNORE_STAFF = False  # every counsellor is staff
MAINTENANCE_MODE_IGNORE_URLS = (r"^/health", r"^/login/", r"^/static/")
MAINTENANCE_MODE_TEMPLATE = "503.html"
MAINTENANCE_MODE_STATE_BACKEND = (
    "maintenance_mode.backends.CacheBackend" if REDIS_URL
    else "maintenance_mode.backends.LocalFileBackend"
)
MAINTENANCE_MODE_STATE_FILE_PATH = str(DATA_DIR / "maintenance_mode_state.txt")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# a refused form gets the usual page; an API caller gets JSON
CSRF_FAILURE_VIEW = "backoffice.ops.views.csrf_failure"
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG and bool(env_str("DATABASE_URL")))
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
# a load balancer's or the container's own probe asks over plain HTTP inside the network
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HTTPS)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# The addresses and networks of our own proxies (comma-separated). Only a request
# whose peer is one of them has its X-Forwarded-For read, from the right, past
# them (backoffice/ops/network.py); `check` warns when BEHIND_PROXY is on without.
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) and Permissions-Policy ----------
# Everything loads from this host. Scripts: our files, the few inline blocks
# that carry the request's nonce, and 'unsafe-eval' because unfold's Alpine.js
# (standard build) compiles every x-data/x-on attribute with the Function
# constructor. Styles: files and nonce'd blocks only. See docs/decisions.md.
# CSP_REPORT_ONLY=True sends the same policy as Content-Security-Policy-Report-Only
# (to try a change without breaking pages); CSP_REPORT_URI collects violations.
# (Module-level names without the CSP_ prefix: django-csp 4 takes CSP_* settings
# for its old format and refuses to start.)

_EMPTY_STRING_SHA256 = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
_csp_report_uri = env_str("CSP_REPORT_URI")
_csp_directives = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE, UNSAFE_EVAL],
    "style-src": [SELF, NONCE],
    # Only the empty style attribute, which htmx copies when it swaps a dialog
    # in place (its hash: sha256 of ""); any real style attribute is refused.
    "style-src-attr": [UNSAFE_HASHES, _EMPTY_STRING_SHA256],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-ancestors": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
}
if _csp_report_uri:
    _csp_directives["report-uri"] = [_csp_report_uri]
if _csp_report_only:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}
# Nothing here uses a device or a browser feature beyond the page itself (only
# names Chromium knows: an unknown one is a console warning on every page).
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "browsing-topics",
        "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid",
        "idle-detection", "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "xr-spatial-tracking",
    )
}

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The product's own words for Django's, unfold's and axes' stock text (locale/en_GB)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "IN")
# Day first, as Indian spreadsheets and people write dates. Django's global
# default is month first, which unfold's date-range filter would otherwise use.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%y"]
# The site's own en-gb formats (config/formats/en_GB): "12 Oct 2026, 17:51".
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # DATA_DIR/private, or an S3-compatible bucket with AWS_STORAGE_BUCKET_NAME
    "default": default_storage_config(DATA_DIR),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEMO_MODE)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEMO_MODE or DEBUG)

# --- Imports --------------------------------------------------------------
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_MB", 50) * 1024 * 1024
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
# Hostile files are refused before they are parsed: a row wider than this, and
# a workbook whose zip unpacks (declared, and as actually inflated) to more.
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", 500) * 1024 * 1024
# A workbook that unpacks to more than IMPORT_XLSX_RATIO_CHECK_ABOVE_MB and to
# more than IMPORT_XLSX_MAX_RATIO times its file size is refused as a zip bomb
# (real ones unpack to 5-30 times their size).
IMPORT_XLSX_MAX_RATIO = env_int("IMPORT_XLSX_MAX_RATIO", 100)
IMPORT_XLSX_RATIO_CHECK_ABOVE_BYTES = env_int("IMPORT_XLSX_RATIO_CHECK_ABOVE_MB", 20) * 1024 * 1024
# The preview of a bigger file is counted by a job with progress (a web request
# would meet gunicorn's timeout); smaller ones are counted in the request.
IMPORT_PREVIEW_JOB_ABOVE_BYTES = env_int("IMPORT_PREVIEW_JOB_ABOVE_MB", 5) * 1024 * 1024
# Dashboard figures are cached this long (a status update shows within it).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 50)
# Workbooks above this size are read row by row (openpyxl, constant memory)
# instead of loaded whole (calamine: ~5x faster, ~1.6 KB of memory per row).
IMPORT_XLSX_STREAM_ABOVE_BYTES = env_int("IMPORT_XLSX_STREAM_ABOVE_MB", 10) * 1024 * 1024
# Stored import files (and their error reports) are deleted after this many
# days by `manage.py imports_cleanup`; the run's record and counts stay.
IMPORT_RETENTION_DAYS = env_int("IMPORT_RETENTION_DAYS", 180)
# A running import with no progress for this long has lost its worker: it is
# marked failed and can be run again.
IMPORT_STALE_AFTER_SECONDS = env_int("IMPORT_STALE_AFTER_SECONDS", 300)
# An upload never started (never confirmed) is deleted after this many hours
# by `manage.py imports_cleanup` (and when the import history is opened).
IMPORT_UNSTARTED_KEEP_HOURS = env_int("IMPORT_UNSTARTED_KEEP_HOURS", 24)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Exports ----------------------------------------------------------------
# An export of more rows than this is written by a background job (progress
# page, then a download link) instead of inside the request.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5_000)
# A background export's file is kept this long, then deleted by
# `manage.py exports_cleanup` (the record stays).
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# A running export with no progress for this long has lost its worker.
EXPORT_STALE_AFTER_SECONDS = env_int("EXPORT_STALE_AFTER_SECONDS", 300)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- History --------------------------------------------------------------
# The history views are a read-only compliance record; every write goes through
# the services, so reverting from history is off.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Compliance -------------------------------------------------------------
# A review list's "Export as CSV" takes at most this many rows (narrower
# filters beyond), so it always finishes within a request.
AUDIT_EXPORT_MAX_ROWS = env_int("AUDIT_EXPORT_MAX_ROWS", 50_000)
# "Field changed" without a date range (or a customer, or an import run)
# searches this many days back: each record is compared with the one before.
REVIEW_FIELD_FILTER_DAYS = env_int("REVIEW_FIELD_FILTER_DAYS", 7)
# Login attempts are reviewed in our own read-only lists (backoffice/audit),
# every failed sign-in kept one by one as well as axes' lockout counters.
AXES_ENABLE_ADMIN = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Logging --------------------------------------------------------------
# Everything to stdout, one record a line: JSON in production (LOG_FORMAT=json,
# the default when DATABASE_URL is set and not DEBUG), plain text otherwise.
# Every record carries the request id when there is one (the request's, or in
# the rq worker the id of the request that enqueued the job); each request
# writes one line on `alims.request` (backoffice/ops/request_log.py).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str(
    "LOG_FORMAT", "json" if not DEBUG and env_str("DATABASE_URL") else "plain").lower()
if LOG_FORMAT not in ("json", "plain"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "backoffice.ops.request_log.RequestIdFilter"},
        # Django's 4xx/5xx records: the request's method and path, not its query string
        "request_path_only": {"()": "backoffice.ops.request_log.RequestPathOnlyFilter"},
    },
    "formatters": {
        "plain": {
            "()": "backoffice.ops.request_log.ScrubbedFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
        "json": {
            "()": "backoffice.ops.request_log.json_formatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # stdout (gunicorn, rqworker); a one-off manage.py command's on stderr
            "stream": log_stream(sys.argv),
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "request_path_only"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # the request lines are ours; runserver's own lines would repeat them
        "django.server": {"level": "WARNING"},
        # the rq worker's lines in the same format (rq adds a handler of its
        # own only to a logger that has none)
        "rq.worker": {"handlers": ["console"], "propagate": False},
        "rq.job": {"handlers": ["console"], "propagate": False},
        "rq.scheduler": {"handlers": ["console"], "propagate": False},
    },
}

# --- Errors to Sentry -------------------------------------------------------
# Only with SENTRY_DSN (otherwise sentry_sdk is not even imported). No personal
# data is sent: backoffice/ops/sentry.py scrubs every event and breadcrumb.
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production" if not DEBUG else "development")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0)
if SENTRY_DSN:
    from backoffice.ops.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT,
                traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
                release=env_str("SENTRY_RELEASE"))

# --- Admin theme (django-unfold) -----------------------------------------
UNFOLD = {
    "SITE_TITLE": "ALIMS Back-office",
    "DASHBOARD_CALLBACK": "backoffice.reports.dashboard.dashboard_callback",
    # unfold's login form with "Remember me"
    "LOGIN": {"form": "backoffice.accounts.forms.LoginForm"},
    "SITE_HEADER": "ALIMS Back-office",
    "SITE_SUBHEADER": _("Admissions leads and customers"),
    "SITE_URL": None,
    "SITE_SYMBOL": "school",
    "SITE_FAVICONS": [
        {
            "rel": "icon",
            "type": "image/svg+xml",
            "href": lambda request: static("backoffice/favicon.svg"),
        },
    ],
    # the person menu: their password and their two-factor sign-in
    "ACCOUNT": {
        "navigation": [
            {"title": _("Change password"),
             "link": lambda request: str(reverse_lazy("admin:password_change"))},
            {"title": _("Two-factor sign-in"),
             "link": lambda request: str(reverse_lazy("two_factor:manage"))},
            {"title": _("Notification settings"),
             "link": lambda request: str(reverse_lazy("notifications:settings"))},
            {"title": _("API tokens"),
             "link": lambda request: str(reverse_lazy("account:api_tokens"))},
        ],
    },
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_BACK_BUTTON": True,
    "ENVIRONMENT": "backoffice.core.theme.environment_label",
    "STYLES": [lambda request: static("backoffice/css/theme.css"),
               lambda request: static("backoffice/css/calls.css"),
               lambda request: static("backoffice/css/notifications.css"),
               lambda request: static("backoffice/css/api-tokens.css")],
    # a tap on Call or WhatsApp is recorded as it opens (static/backoffice/js/touch.js)
    "SCRIPTS": [lambda request: static("backoffice/js/touch.js")],
    "COLORS": {
        # A full 50-950 scale: #1d3362 is weight 600 (what unfold's buttons and
        # links use) and the hover colour #152548 is weight 700.
        "primary": {
            "50": "#f1f4fa",
            "100": "#e1e7f3",
            "200": "#c3cde4",
            "300": "#94a4cb",
            "400": "#6078ad",
            "500": "#3a5491",
            "600": "#1d3362",
            "700": "#152548",
            "800": "#101d39",
            "900": "#0b152a",
            "950": "#070d1b",
        },
    },
    # Ctrl+K: pages and the customers this person may see (not unfold's model
    # search, which would load every match of every model)
    "COMMAND": {
        "search_models": False,
        "search_callback": "backoffice.core.theme.command_search",
    },
    "SIDEBAR": {
        "show_search": True,
        "command_search": True,
        "show_all_applications": False,
        "navigation": "backoffice.core.theme.sidebar_navigation",
    },
}

# Unfiltered lists over more rows than this show PostgreSQL's estimate
# ("about N") instead of running COUNT(*) over the whole table.
LIST_ESTIMATE_COUNT_ABOVE = env_int("LIST_ESTIMATE_COUNT_ABOVE", 200_000)
# A search is counted up to this many matches; beyond, the list says "more than".
LIST_SEARCH_COUNT_CAP = env_int("LIST_SEARCH_COUNT_CAP", 10_000)
# A search term is cut to this many characters and this many distinct words
# (the list's search and Ctrl+K): every word is a LIKE over three columns.
SEARCH_MAX_TERM_CHARS = env_int("SEARCH_MAX_TERM_CHARS", 200)
SEARCH_MAX_WORDS = env_int("SEARCH_MAX_WORDS", 8)
