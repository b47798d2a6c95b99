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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "mikrolaan.core.test_sqlite"  # noqa: F405
