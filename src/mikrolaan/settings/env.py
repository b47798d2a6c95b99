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
    "MIKROLAAN_UPLOAD_MAX_MB",
    "20",
    "Largest upload (a bank statement) the web server accepts, in MB; refused as it arrives.",
)
_declare(
    "MIKROLAAN_BANK_STATEMENT_MAX_MB",
    "256",
    "Largest bank statement file that is read (command and upload), in MB.",
)
_declare(
    "MIKROLAAN_BUNDLE_MAX_UNPACKED_MB",
    "256",
    "Largest total size of an interchange bundle's files (unpacked), in MB.",
)
_declare(
    "MIKROLAAN_BUNDLE_MAX_MEMBERS",
    "50",
    "Most files (or .zip entries) an interchange bundle may hold.",
)
_declare(
    "MIKROLAAN_BUNDLE_MAX_RATIO",
    "100",
    "Highest compression ratio (unpacked / packed size) of a file in a bundle .zip.",
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
