"""Reading settings from the environment, with every variable documented once."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


ENVIRONMENT: dict[str, Variable] = {}


def _declare(name: str, default: str, help: str) -> None:
    ENVIRONMENT[name] = Variable(name, default, help)


_declare(
    "DATABASE_URL",
    "sqlite:///var/mikrolaan.sqlite3",
    "Database to use: `sqlite:///path` or `postgres://user@host:port/name`.",
)
_declare("MIKROLAAN_VAR_DIR", "var/", "Folder for the SQLite file, letters, exports, static files.")
_declare("MIKROLAAN_DEBUG", "false", "Django debug mode. Never in production.")
_declare(
    "MIKROLAAN_SECRET_KEY",
    "(generated into var/secret_key)",
    "Django's secret key. Set it in production.",
)
_declare(
    "MIKROLAAN_ALLOWED_HOSTS",
    "localhost,127.0.0.1,[::1]",
    "Comma-separated host names the server answers to.",
)
_declare(
    "MIKROLAAN_CSRF_TRUSTED_ORIGINS",
    "",
    "Comma-separated origins, e.g. https://mikrolaan.kommune.dk.",
)
_declare(
    "MIKROLAAN_STATIC_FROM_SOURCE",
    "same as MIKROLAAN_DEBUG",
    "Serve static files from node_modules and the apps instead of the collected folder.",
)
_declare("MIKROLAAN_LETTERS_DIR", "var/letters", "Outbox folder of the default letter transport.")
_declare("MIKROLAAN_EXPORTS_DIR", "var/exports", "Folder for debt-collection and other exports.")
_declare("MIKROLAAN_LOG_LEVEL", "INFO", "Log level of the root logger.")
_declare("MIKROLAAN_ENVIRONMENT", "development", "`development` (local demo) or `production`.")
_declare(
    "MIKROLAAN_SECURE_SSL_REDIRECT",
    "true in production",
    "Redirect every plain-HTTP request to HTTPS.",
)
_declare(
    "MIKROLAAN_SECURE_HSTS_SECONDS",
    "31536000 in production, else 0",
    "Strict-Transport-Security max-age in seconds (0: no HSTS header).",
)
_declare(
    "MIKROLAAN_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "true in production",
    "HSTS covers the subdomains too.",
)
_declare("MIKROLAAN_SECURE_HSTS_PRELOAD", "true in production", "HSTS asks for browser preloading.")
_declare(
    "MIKROLAAN_SECURE_PROXY_SSL_HEADER",
    "X-Forwarded-Proto in production",
    "Header by which the reverse proxy (nginx) says the request came over HTTPS; its value "
    "must be `https`. Empty: trust no header.",
)
_declare(
    "MIKROLAAN_SECURE_COOKIES",
    "true in production",
    "Session and CSRF cookies only over HTTPS (Secure).",
)
_declare(
    "MIKROLAAN_SESSION_COOKIE_AGE",
    "28800",
    "Absolute session lifetime in seconds, however active the user is (8 hours).",
)
_declare(
    "MIKROLAAN_SESSION_IDLE_MINUTES",
    "30",
    "Minutes without a request after which the user is logged out.",
)


def env_str(name: str, default: str) -> str:
    assert name in ENVIRONMENT, f"{name} must be declared in settings/env.py"
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name, "")
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
