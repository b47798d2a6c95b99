"""Recording the ``mikrolaan`` console commands: who ran what, from the shell, when.

``mikrolaan.cli.main`` calls this once per command, so no command has to remember it.
"""

import getpass
import os
import shlex
import sys

# Commands that touch no citizen's data: not worth an audit record.
UNRECORDED = {
    "help",
    "version",
    "settings_doc",
    "makemigrations",
    "makemessages",
    "compilemessages",
    "collectstatic",
    "check",
    "showmigrations",
    "sqlmigrate",
    "findstatic",
    "diffsettings",
}
# The page benchmark builds its generated portfolios in databases of its own (the other
# benchmarks may be pointed at the configured database with --reuse: those are recorded).
UNRECORDED_SUBCOMMANDS = {("bench", "pages")}
HELP_OPTIONS = {"-h", "--help"}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return f"uid {os.getuid()}"


def command_line(argv: list[str]) -> str:
    return shlex.join(argv)


def is_recorded(argv: list[str]) -> bool:
    subcommand = argv[1] if len(argv) > 1 else "help"
    return not (
        subcommand.startswith("-")
        or subcommand in UNRECORDED
        or tuple(argv[1:3]) in UNRECORDED_SUBCOMMANDS
        or HELP_OPTIONS & set(argv[2:])
    )


def record(argv: list[str], *, last_try: bool = False) -> bool:
    """Write the command's audit record; False when the database cannot take it (yet)."""
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, transaction

    try:
        django.setup()
    except ImproperlyConfigured:
        return False  # Django's own error message follows when the command runs
    from django.utils.translation import gettext as _

    from mikrolaan.audit.services import log_command

    try:
        with transaction.atomic():
            log_command(command_line(argv))
    except DatabaseError:
        if last_try:
            sys.stderr.write(_("The command could not be recorded in the audit log.") + "\n")
        return False
    return True
