"""Settings of the test identity provider: a small Django project serving django-oidc-provider.

It runs as its own process next to the test suite (see ``fixture.py``), with its SQLite file in
a temporary folder given by ``OIDC_TEST_PROVIDER_DIR`` and its address in
``OIDC_TEST_PROVIDER_URL``. Nothing here is used by Mikrolån itself.
"""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["OIDC_TEST_PROVIDER_DIR"])
SITE_URL = os.environ["OIDC_TEST_PROVIDER_URL"]

DEBUG = False
SECRET_KEY = "test-identity-provider-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
    "tests.oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "provider.sqlite3"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"

# Mikrolån and the provider both run on 127.0.0.1, and browsers share cookies across ports:
# the provider's cookies get names of their own.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"

OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "tests.oidc_provider.claims.ExtraScopeClaims"
OIDC_IDTOKEN_SUB_GENERATOR = "tests.oidc_provider.claims.sub"
