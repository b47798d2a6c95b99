"""An installation marked as production is safe by default; the local demo stays plain HTTP."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mikrolaan.core.private_files import private_dir, write_private

MIKROLAAN = str(Path(sys.executable).parent / "mikrolaan")
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_IDLE_SECONDS",
]


def run(tmp_path, *args, **variables):
    env = {
        key: value
        for key, value in os.environ.items()
        # the test run's own DJANGO_SETTINGS_MODULE and DJANGO_ALLOW_ASYNC_UNSAFE stay out
        if not key.startswith(("MIKROLAAN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env["MIKROLAAN_VAR_DIR"] = str(tmp_path / "var")
    env.update(variables)
    return subprocess.run(
        [MIKROLAAN, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def production(**more):
    return {
        "MIKROLAAN_ENVIRONMENT": "production",
        "MIKROLAAN_SECRET_KEY": secrets.token_urlsafe(64),
        "MIKROLAAN_ALLOWED_HOSTS": "mikrolaan.kommune.dk",
        **more,
    }


def security_settings(tmp_path, **variables) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {SECURITY_SETTINGS!r}}}))"
    )
    result = run(tmp_path, "shell", "-c", code, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_in_production_prints_no_warnings(tmp_path):
    result = run(tmp_path, "check", "--deploy", **production())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_demo_would_warn_so_the_check_can_fail(tmp_path):
    result = run(tmp_path, "check", "--deploy")
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr


def test_production_defaults_are_safe_and_each_is_a_variable(tmp_path):
    prod = security_settings(tmp_path, **production())
    assert prod["DEBUG"] is False
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] == 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_HSTS_PRELOAD"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True and prod["CSRF_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax"

    changed = security_settings(
        tmp_path,
        **production(
            MIKROLAAN_SECURE_SSL_REDIRECT="false",
            MIKROLAAN_SECURE_HSTS_SECONDS="600",
            MIKROLAAN_SECURE_PROXY_SSL_HEADER="X-Forwarded-Ssl-Scheme",
            MIKROLAAN_SESSION_COOKIE_AGE="3600",
            MIKROLAAN_SESSION_IDLE_MINUTES="10",
        ),
    )
    assert changed["SECURE_SSL_REDIRECT"] is False
    assert changed["SECURE_HSTS_SECONDS"] == 600
    assert changed["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL_SCHEME", "https"]
    assert changed["SESSION_COOKIE_AGE"] == 3600
    assert changed["SESSION_IDLE_SECONDS"] == 600


def test_the_local_demo_stays_plain_http(tmp_path):
    dev = security_settings(tmp_path)
    assert dev["SECURE_SSL_REDIRECT"] is False
    assert dev["SECURE_HSTS_SECONDS"] == 0
    assert dev["SECURE_PROXY_SSL_HEADER"] is None
    assert dev["SESSION_COOKIE_SECURE"] is False and dev["CSRF_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MIKROLAAN_SECRET_KEY": ""}, "MIKROLAAN_SECRET_KEY must be set in production"),
        ({"MIKROLAAN_DEBUG": "true"}, "MIKROLAAN_DEBUG must be off in production"),
    ],
)
def test_production_refuses_to_start_unsafe(tmp_path, variables, message):
    result = run(tmp_path, "check", **production(**variables))
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()  # no key generated behind one's back


def test_the_database_and_secret_key_are_readable_by_the_service_user_only(tmp_path):
    result = run(tmp_path, "check", "--database", "default")
    assert result.returncode == 0, result.stderr
    var = tmp_path / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "mikrolaan.sqlite3").stat().st_mode) == 0o600


def test_private_folders_and_files_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        folder = private_dir(tmp_path / "exports" / "gaeldsstyrelsen")
        write_private(folder / "claim.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "claim.json").stat().st_mode) == 0o600


def test_check_deploy_warns_about_personal_data_readable_by_others(tmp_path):
    (tmp_path / "var" / "letters").mkdir(parents=True, mode=0o755)
    (tmp_path / "var" / "letters").chmod(0o755)
    result = run(tmp_path, "check", "--deploy", **production())
    assert "core.W001" in result.stderr
    assert f"{tmp_path / 'var' / 'letters'} can be read by other users" in result.stderr
