"""The ``mikrolaan`` console command: Django's management commands under one name.

Every command that can read or change citizens' data is recorded in the audit log with the
operating-system user and the command line (``mikrolaan.audit.shell``), here, once.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from mikrolaan.core.private_files import use_private_umask

    use_private_umask()  # before settings: they may create var/ and the secret key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    from django.core.management import execute_from_command_line

    from mikrolaan.audit import context, shell
    from mikrolaan.core import command_language

    command_language.install()  # argparse's and Django's texts in Danish, for every command

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "mikrolaan"
    if argv[1:] in ([], ["help"], ["--help"], ["-h"]):
        import django

        django.setup()
        from mikrolaan.core.commands_help import programme_help

        print(programme_help())
        return
    if argv[1:] == ["help", "django"]:
        argv = ["mikrolaan", "help"]
    origin = context.Origin(
        channel=context.Channel.SHELL, os_user=shell.os_user(), command=shell.command_line(argv)
    )
    with context.origin(origin):
        recorded = not shell.is_recorded(argv) or shell.record(argv)
        try:
            execute_from_command_line(argv)
        finally:
            if not recorded:  # e.g. ``migrate`` on an empty database: the table is there now
                shell.record(argv, last_try=True)


if __name__ == "__main__":
    main()
