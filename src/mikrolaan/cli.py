"""The ``mikrolaan`` console command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from mikrolaan.core.private_files import use_private_umask

    use_private_umask()  # before settings: they may create var/ and the secret key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    from django.core.management import execute_from_command_line

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
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
