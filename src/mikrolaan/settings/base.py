"""Settings for every environment, read from environment variables.

Each variable is documented once, in ``ENVIRONMENT`` below; ``docs/configuration.md`` is
generated from that list (``mikrolaan settings-doc``).
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mikrolaan.settings.env import env_bool, env_int, env_list, env_str, oidc_provider_settings

SRC_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("MIKROLAAN_VAR_DIR", str(REPO_DIR / "var")))

MIKROLAAN_ENVIRONMENT = env_str("MIKROLAAN_ENVIRONMENT", "development")
PRODUCTION = MIKROLAAN_ENVIRONMENT == "production"
if MIKROLAAN_ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("MIKROLAAN_ENVIRONMENT must be 'development' or 'production'.")

DEBUG = env_bool("MIKROLAAN_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MIKROLAAN_DEBUG must be off in production.")
SECRET_KEY = env_str("MIKROLAAN_SECRET_KEY", "")
if PRODUCTION and not SECRET_KEY:
    # A generated key on disk would silently differ between servers and after a restore.
    raise ImproperlyConfigured("MIKROLAAN_SECRET_KEY must be set in production.")
if not SECRET_KEY:
    # An embedded single-machine install keeps a generated key in var/ so sessions survive
    # restarts; production sets MIKROLAAN_SECRET_KEY.
    from mikrolaan.settings.env import local_secret_key

    SECRET_KEY = local_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("MIKROLAAN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MIKROLAAN_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mikrolaan.sqlite3'}"),
        conn_max_age=env_int("MIKROLAAN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# `mikrolaan serve` (gunicorn): processes, threads per process, request timeout (docs/deployment.md)
WEB_WORKERS = env_int("MIKROLAAN_WEB_WORKERS", 2)
WEB_THREADS = env_int("MIKROLAAN_WEB_THREADS", 1)
WEB_TIMEOUT = env_int("MIKROLAAN_WEB_TIMEOUT", 120)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "mikrolaan.core",
    "mikrolaan.accounts",
    "mikrolaan.audit",
    "mikrolaan.people",
    "mikrolaan.cases",
    "mikrolaan.courses",
    "mikrolaan.budgets",
    "mikrolaan.decisions",
    "mikrolaan.policy",
    "mikrolaan.loans",
    "mikrolaan.banking",
    "mikrolaan.servicing",
    "mikrolaan.letters",
    "mikrolaan.outcomes",
    "mikrolaan.progression",
    "mikrolaan.interchange",
    "mikrolaan.reports",
    "mikrolaan.privacy",
    "mikrolaan.retention",
    "mikrolaan.jobs",
    "mikrolaan.web",
    "mikrolaan.selfservice",
    "mikrolaan.bench",
    "mikrolaan.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Background jobs: Django's task framework (backport) with its database backend, run by
    # ``mikrolaan worker`` (mikrolaan/jobs).
    "django_tasks",
    "django_tasks_db",
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost, so every response gets the headers, also one a later middleware makes.
    "csp.middleware.CSPMiddleware",
    "mikrolaan.web.security.SecurityHeadersMiddleware",
    "mikrolaan.audit.middleware.AuditOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mikrolaan.web.middleware.DanishByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mikrolaan.web.middleware.LoginRequiredMiddleware",
    "mikrolaan.web.security.IdleTimeoutMiddleware",
]

ROOT_URLCONF = "mikrolaan.urls"
WSGI_APPLICATION = "mikrolaan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"
CSRF_FAILURE_VIEW = "mikrolaan.web.errors.csrf_failure"

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
                "mikrolaan.web.context_processors.navigation",
            ],
            # Money, numbers and dates in one form everywhere: |money, |short_date, |months …
            "builtins": ["mikrolaan.web.templatetags.formats"],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(env_str("MIKROLAAN_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [SRC_DIR / "locale"]
FORMAT_MODULE_PATH = ["mikrolaan.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    ("dkfds", NODE_MODULES / "dkfds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = env_bool("MIKROLAAN_STATIC_FROM_SOURCE", DEBUG)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite makes an index with included columns (PostgreSQL's covering index, e.g. the ledger's
# ``entry_loan_day_idx``) as a plain index of its key columns: nothing to warn about.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Where letters and exports are written by the default (folder) transports.
LETTERS_DIR = Path(env_str("MIKROLAAN_LETTERS_DIR", str(VAR_DIR / "letters")))
EXPORTS_DIR = Path(env_str("MIKROLAAN_EXPORTS_DIR", str(VAR_DIR / "exports")))

# Retention (mikrolaan.retention): years after the end of a case, a financial year, a record.
RETENTION_CASE_YEARS = int(env_str("MIKROLAAN_RETENTION_CASE_YEARS", "5"))
RETENTION_ACCOUNTING_YEARS = int(env_str("MIKROLAAN_RETENTION_ACCOUNTING_YEARS", "5"))
RETENTION_AUDIT_YEARS = int(env_str("MIKROLAAN_RETENTION_AUDIT_YEARS", "5"))
# Bounded input: files that cannot exhaust the server (docs/bank-statements.md, INTERCHANGE.md).
_MB = 1024 * 1024
UPLOAD_MAX_BYTES = int(env_str("MIKROLAAN_UPLOAD_MAX_MB", "20")) * _MB
FILE_UPLOAD_HANDLERS = [
    "mikrolaan.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded bank statements wait here (private files) until the worker has imported them.
BANK_STATEMENTS_DIR = Path(
    env_str("MIKROLAAN_BANK_STATEMENTS_DIR", str(VAR_DIR / "bank-statements"))
)
BANK_STATEMENT_MAX_BYTES = int(env_str("MIKROLAAN_BANK_STATEMENT_MAX_MB", "256")) * _MB
BUNDLE_MAX_UNPACKED_BYTES = int(env_str("MIKROLAAN_BUNDLE_MAX_UNPACKED_MB", "256")) * _MB
BUNDLE_MAX_MEMBERS = int(env_str("MIKROLAAN_BUNDLE_MAX_MEMBERS", "50"))
BUNDLE_MAX_RATIO = int(env_str("MIKROLAAN_BUNDLE_MAX_RATIO", "100"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MIKROLAAN_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one line per log-in; the audit trail records them
    },
}

# Sign-in: local passwords, and staff through the municipality's OpenID Connect provider
# (accounts/oidc.py; off while MIKROLAAN_OIDC_ISSUER is empty). One entry per provider.
OIDC_PROVIDERS = {
    "staff": oidc_provider_settings("MIKROLAAN_OIDC_"),
    # Citizens on their own pages (selfservice/signin.py); never a staff user.
    "citizen": oidc_provider_settings("MIKROLAAN_CITIZEN_OIDC_"),
}
MIDDLEWARE += ["mikrolaan.accounts.oidc.StaffSessionRefresh"]
# Small numbers stay hidden for roles without case access (core/suppression.py).
SUPPRESSION_THRESHOLD = int(env_str("MIKROLAAN_SUPPRESSION_THRESHOLD", "3"))
# --- Local passwords made safe: lock-out, second factor (accounts/lockout.py, second_factor.py)
INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "mikrolaan.accounts.second_factor.SecondFactorMiddleware",
    # django-axes wants to be last: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked user name or address is refused before its password is checked.
    "mikrolaan.accounts.lockout.LockoutBackend",
    # Local passwords; with OpenID Connect on, only the break-glass administrator's.
    "mikrolaan.accounts.backends.LocalPasswordBackend",
    "mikrolaan.accounts.oidc.StaffOIDCBackend",
]
AXES_FAILURE_LIMIT = int(env_str("MIKROLAAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env_str("MIKROLAAN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mikrolaan.accounts.lockout.locked_out"
AXES_VERBOSE = False
# A user whose role shows personal data signs in with a second factor (TOTP). Only the test
# settings turn this off, for tests that are not about signing in; no variable can.
SECOND_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = "Mikrolån"
# The citizen's insight (GDPR art. 15) shows staff by role, or by role and name.
INSIGHT_STAFF_NAMES = env_str("MIKROLAAN_INSIGHT_STAFF_NAMES", "role")
# HTTPS and the browser's protections (docs/deployment.md). Production gets the safe value of
# each; the local demo (`./dev start`) stays plain HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("MIKROLAAN_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the monitor may ask the server directly over HTTP
ONE_YEAR = 365 * 24 * 60 * 60
SECURE_HSTS_SECONDS = env_int("MIKROLAAN_SECURE_HSTS_SECONDS", ONE_YEAR if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MIKROLAAN_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("MIKROLAAN_SECURE_HSTS_PRELOAD", PRODUCTION)
_proxy_header = env_str(
    "MIKROLAAN_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else ""
).strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("MIKROLAAN_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page
# Lax, not Strict: the identity provider's redirect back must carry the session cookie.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("MIKROLAAN_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_SECONDS = env_int("MIKROLAAN_SESSION_IDLE_MINUTES", 30) * 60

# No inline script or style anywhere: JavaScript and CSS come from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# What the data protection officer's page calls unusual (mikrolaan.audit.patterns).
AUDIT_WORKDAY_START = int(env_str("MIKROLAAN_AUDIT_WORKDAY_START", "7"))
AUDIT_WORKDAY_END = int(env_str("MIKROLAAN_AUDIT_WORKDAY_END", "18"))
AUDIT_READS_THRESHOLD = int(env_str("MIKROLAAN_AUDIT_READS_THRESHOLD", "300"))

# Every form's selects offer a Danish "Vælg …" rather than Django's "---------".
FORM_RENDERER = "mikrolaan.web.forms.Renderer"

# --- The API for the municipality's other systems (mikrolaan.api, docs/api.md) ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mikrolaan.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["mikrolaan.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["mikrolaan.api.throttling.SystemRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "mikrolaan.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "mikrolaan.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mikrolån API",
    "DESCRIPTION": "The microloan programme's data for the municipality's other systems.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}
# Calls per calling system (DRF's "N/second|minute|hour|day"); a token's lifetime in seconds.
API_RATE_LIMIT = env_str("MIKROLAAN_API_RATE_LIMIT", "600/minute")
# The API's rate limits are counted in the database, so every server process (and every
# server) counts the same calls; the default cache stays in each process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rate_limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "api_rate_limit",
    },
}
API_TOKEN_SECONDS = int(env_str("MIKROLAAN_API_TOKEN_SECONDS", "3600"))
