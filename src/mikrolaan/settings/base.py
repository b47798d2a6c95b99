"""Settings for every environment, read from environment variables.

Each variable is documented once, in ``ENVIRONMENT`` below; ``docs/configuration.md`` is
generated from that list (``mikrolaan settings-doc``).
"""

from pathlib import Path

import dj_database_url

from mikrolaan.settings.env import env_bool, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("MIKROLAAN_VAR_DIR", str(REPO_DIR / "var")))

DEBUG = env_bool("MIKROLAAN_DEBUG", False)
SECRET_KEY = env_str("MIKROLAAN_SECRET_KEY", "")
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
        conn_max_age=60,
    )
}
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
    "mikrolaan.interchange",
    "mikrolaan.reports",
    "mikrolaan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mikrolaan.web.middleware.DanishByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mikrolaan.web.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "mikrolaan.urls"
WSGI_APPLICATION = "mikrolaan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

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
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Where letters and exports are written by the default (folder) transports.
LETTERS_DIR = Path(env_str("MIKROLAAN_LETTERS_DIR", str(VAR_DIR / "letters")))
EXPORTS_DIR = Path(env_str("MIKROLAAN_EXPORTS_DIR", str(VAR_DIR / "exports")))

# Bounded input: files that cannot exhaust the server (docs/bank-statements.md, INTERCHANGE.md).
_MB = 1024 * 1024
UPLOAD_MAX_BYTES = int(env_str("MIKROLAAN_UPLOAD_MAX_MB", "20")) * _MB
FILE_UPLOAD_HANDLERS = [
    "mikrolaan.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
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
    },
}
