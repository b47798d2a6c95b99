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
# Tests about signing in switch these on (accounts/tests); the rest log in without them.
AXES_ENABLED = False
SECOND_FACTOR_REQUIRED = False
