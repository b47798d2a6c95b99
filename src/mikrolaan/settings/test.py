"""Test settings: the base settings with fast hashing and static files from source."""

import tempfile
from pathlib import Path

from mikrolaan.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
_tmp = Path(tempfile.mkdtemp(prefix="mikrolaan-test-"))
LETTERS_DIR = _tmp / "letters"
EXPORTS_DIR = _tmp / "exports"
BANK_STATEMENTS_DIR = _tmp / "bank-statements"
# Tests about signing in switch these on (accounts/tests); the rest log in without them.
AXES_ENABLED = False
SECOND_FACTOR_REQUIRED = False

# The test suite's flush on SQLite holds an erasure permit (see core/test_sqlite).
# and on PostgreSQL deletes instead of truncating (see core/test_postgresql).
_TEST_BACKENDS = {
    "django.db.backends.sqlite3": "mikrolaan.core.test_sqlite",
    "django.db.backends.postgresql": "mikrolaan.core.test_postgresql",
}
DATABASES["default"]["ENGINE"] = _TEST_BACKENDS.get(  # noqa: F405
    DATABASES["default"]["ENGINE"],  # noqa: F405
    DATABASES["default"]["ENGINE"],  # noqa: F405
)
if DATABASES["default"]["ENGINE"] == "mikrolaan.core.test_postgresql":  # noqa: F405
    # A commit need not wait for the disk in tests (a crash loses only test data).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
