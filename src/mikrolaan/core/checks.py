"""System checks of the installation itself.

``mikrolaan check --deploy``: folders and files with personal data must be private. New ones
are created private (``core.private_files``); this catches those made by an older version or
by hand, e.g. a ``var/`` left readable by every user of the host.

``mikrolaan check --database default``: an append-only table without its triggers.
"""

import stat
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.checks import Warning, register
from django.db import connections


def _private_paths() -> list[Path]:
    paths = [Path(settings.VAR_DIR), Path(settings.VAR_DIR) / "secret_key"]
    paths += [Path(settings.LETTERS_DIR), Path(settings.EXPORTS_DIR)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        name = Path(database["NAME"])
        paths += [name, Path(f"{name}-wal"), Path(f"{name}-shm")]
    return paths


@register(deploy=True)
def personal_data_is_private(app_configs=None, **kwargs):
    warnings = []
    for path in _private_paths():
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            warnings.append(
                Warning(
                    f"{path} can be read by other users of the host (mode {mode:o}).",
                    hint=f"chmod -R go-rwx {path}",
                    id="core.W001",
                )
            )
    return warnings


@checks.register(checks.Tags.database)
def append_only_triggers(app_configs=None, databases=None, **kwargs):
    from mikrolaan.core.append_only import missing_triggers

    errors = []
    for alias in databases or []:
        for name in missing_triggers(connections[alias]):
            errors.append(
                checks.Error(
                    f"append-only trigger {name} is missing in database {alias!r}",
                    hint="Run `mikrolaan migrate`: it re-creates the triggers.",
                    id="mikrolaan.E001",
                )
            )
    return errors
