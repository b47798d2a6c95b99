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
_declare(
    "MIKROLAAN_RETENTION_CASE_YEARS",
    "5",
    "Years a citizen's case data is kept after the last case ended and every loan was closed "
    "(repaid or written off); then `mikrolaan retention run` anonymises it.",
)
_declare(
    "MIKROLAAN_RETENTION_ACCOUNTING_YEARS",
    "5",
    "Years ledger and bank records keep their free text after the end of their financial year "
    "(calendar year), as the bookkeeping act (bogføringsloven) requires.",
)
_declare(
    "MIKROLAAN_RETENTION_AUDIT_YEARS",
    "5",
    "Years audit records (who read or changed what) are kept; older ones are deleted.",
)


def env_str(name: str, default: str) -> str:
    assert name in ENVIRONMENT, f"{name} must be declared in settings/env.py"
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name, "")
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
