"""Reading settings from the environment, with every variable documented once."""

import contextlib
import os
import secrets
import tempfile
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
_declare(
    "MIKROLAAN_DB_CONN_MAX_AGE",
    "60",
    "Seconds a server thread keeps its database connection for the next request (0: a new "
    "connection per request). Each worker thread holds one: workers × threads connections "
    "(docs/deployment.md, Sizing).",
)
_declare(
    "MIKROLAAN_WEB_WORKERS",
    "2",
    "Server processes `mikrolaan serve` starts (gunicorn workers); about one per CPU core "
    "(docs/deployment.md, Sizing).",
)
_declare(
    "MIKROLAAN_WEB_THREADS",
    "1",
    "Threads per server process: requests one process answers at once while others wait "
    "for the database (1: gunicorn's sync worker).",
)
_declare(
    "MIKROLAAN_WEB_TIMEOUT",
    "120",
    "Seconds a request may take before the server restarts its worker.",
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
    "MIKROLAAN_SUPPRESSION_THRESHOLD",
    "3",
    "Smallest count shown to roles without case access (report, funnel, economic gain) and in "
    "the research export's aggregate tables; smaller counts, and what would give them away, "
    "are hidden.",
)


def _declare_oidc(prefix: str, who: str, *, users: bool = True) -> None:
    """The variables of one OpenID Connect provider; a second provider uses another prefix.

    ``users``: the provider signs in Mikrolån users (staff), with a user name claim and the
    silent re-check; the citizens' provider has neither."""
    _declare(
        f"{prefix}ISSUER",
        "",
        f"{who} sign in through this OpenID Connect provider (docs/sign-in.md): its issuer URL, "
        "or its discovery URL ending in `/.well-known/openid-configuration`. "
        "Empty: no OpenID Connect sign-in.",
    )
    _declare(f"{prefix}CLIENT_ID", "", "Client id Mikrolån is registered with at the provider.")
    _declare(f"{prefix}CLIENT_SECRET", "", "Client secret of that registration.")
    _declare(f"{prefix}SCOPES", "openid profile email", "Space-separated scopes Mikrolån asks for.")
    if not users:
        return
    _declare(
        f"{prefix}USERNAME_CLAIM",
        "sub",
        "Claim whose value is the user name in Mikrolån (stable per person, e.g. `sub`, `upn`).",
    )
    _declare(
        f"{prefix}RENEW_SECONDS",
        "900",
        "Seconds between silent re-checks with the provider (prompt=none); a person the "
        "provider no longer vouches for loses the session at the next check.",
    )


_declare_oidc("MIKROLAAN_OIDC_", "Staff")
_declare(
    "MIKROLAAN_OIDC_ROLE_CLAIM",
    "role",
    "Claim carrying the staff member's role (a string or a list, e.g. Entra ID's `roles`).",
)
_declare(
    "MIKROLAAN_OIDC_UNIT_CLAIM",
    "unit",
    "Claim carrying the code of the job-centre unit (needed for job consultants and "
    "knowledge persons).",
)
_declare(
    "MIKROLAAN_OIDC_ROLE_MAP",
    "",
    "Comma-separated `claim value=role` pairs, e.g. `MIK-Projektleder=project_leader`. "
    "Empty: the claim carries Mikrolån's role names (`job_consultant`, `project_leader`, …).",
)
_declare(
    "MIKROLAAN_OIDC_BREAK_GLASS_USER",
    "",
    "With OpenID Connect on, the one user name that may still sign in with a local password "
    "(the emergency administrator). Empty: nobody.",
)
_declare_oidc("MIKROLAAN_CITIZEN_OIDC_", "Citizens (MitID through NemLog-in)", users=False)
_declare(
    "MIKROLAAN_CITIZEN_OIDC_CPR_CLAIM",
    "https://data.gov.dk/model/core/eid/cprNumber",
    "Claim carrying the citizen's CPR number (NemLog-in's name by default; a broker may use "
    "another, e.g. `cprNumberIdentifier`). The citizen is found by it; nobody else gets in.",
)
_declare(
    "MIKROLAAN_ENVIRONMENT",
    "development",
    "`development` or `production`. In production the demo refuses to load and demo users "
    "get no exemption from the second factor.",
)
_declare(
    "MIKROLAAN_LOGIN_FAILURE_LIMIT",
    "5",
    "Failed log-ins in a row, per user name and per IP address, before log-in is locked.",
)
_declare(
    "MIKROLAAN_LOGIN_COOLOFF_MINUTES",
    "15",
    "Minutes a locked user name or IP address waits before it may try again.",
)
_declare("MIKROLAAN_PASSWORD_MIN_LENGTH", "12", "Shortest password a user may choose.")
_declare(
    "MIKROLAAN_INSIGHT_STAFF_NAMES",
    "role",
    "How the citizen's insight (`mikrolaan citizen-insight`, GDPR art. 15) shows staff: "
    "`role` (the role only) or `name` (role and name), as the municipality's policy says.",
)
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
_declare(
    "MIKROLAAN_AUDIT_WORKDAY_START",
    "7",
    "Audit: hour (0-23, local time) the working day starts; reads before it are unusual.",
)
_declare(
    "MIKROLAAN_AUDIT_WORKDAY_END",
    "18",
    "Audit: hour (1-24, local time) the working day ends; reads from it on, and on Saturdays "
    "and Sundays, are unusual.",
)
_declare(
    "MIKROLAAN_AUDIT_READS_THRESHOLD",
    "300",
    "Audit: distinct citizens a user of an all-cases role may read in the period the data "
    "protection officer looks at before it counts as unusual (unit-scoped roles are held to "
    "their unit's number of citizens).",
)
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
    "MIKROLAAN_BANK_STATEMENTS_DIR",
    "var/bank-statements",
    "Folder where an uploaded bank statement waits for the worker (`mikrolaan worker`) to "
    "import it; the web server and the worker must both reach it.",
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
_declare(
    "MIKROLAAN_API_RATE_LIMIT",
    "600/minute",
    "Calls one registered system may make to the API (`N/second`, `/minute`, `/hour`, `/day`); "
    "counted per server process (docs/api.md).",
)
_declare(
    "MIKROLAAN_API_TOKEN_SECONDS",
    "3600",
    "Lifetime in seconds of an API access token (docs/api.md).",
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
    # Written whole to a file of its own, then linked into place: two processes starting at
    # once agree on one key, and neither reads a half-written file.
    fd, tmp = tempfile.mkstemp(dir=var_dir, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def oidc_provider_settings(prefix: str) -> dict:
    """One OpenID Connect provider's settings, read from the variables starting with ``prefix``.

    Variables a provider does not declare (a citizen provider has no role claim) are empty.
    """

    def value(name: str, default: str = "") -> str:
        if prefix + name not in ENVIRONMENT:
            return default
        return env_str(prefix + name, ENVIRONMENT[prefix + name].default).strip()

    role_map = {}
    for pair in value("ROLE_MAP").split(","):
        if "=" in pair:
            claim_value, role = pair.split("=", 1)
            role_map[claim_value.strip()] = role.strip()
    return {
        "issuer": value("ISSUER"),
        "client_id": value("CLIENT_ID"),
        "client_secret": value("CLIENT_SECRET"),
        "scopes": value("SCOPES"),
        "username_claim": value("USERNAME_CLAIM"),
        "renew_seconds": int(value("RENEW_SECONDS", "900") or "900"),
        "role_claim": value("ROLE_CLAIM"),
        "unit_claim": value("UNIT_CLAIM"),
        "role_map": role_map,
        "break_glass_user": value("BREAK_GLASS_USER"),
        "cpr_claim": value("CPR_CLAIM"),
    }


def env_int(name: str, default: int) -> int:
    value = env_str(name, "").strip()
    return int(value) if value else default
