"""``mikrolaan serve [ADDR:PORT]``: the production server (gunicorn) with static files."""

import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from mikrolaan.core.static_files import collect_if_changed


class Command(BaseCommand):
    help = "Run the web server (gunicorn, static files by WhiteNoise). Default 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Server processes (default: MIKROLAAN_WEB_WORKERS, 2).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per process (default: MIKROLAAN_WEB_THREADS, 1; more: gthread worker).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (they are collected only when changed).",
        )

        parser.add_argument(
            "--with-demo",
            action="store_true",
            help="First migrate and load the demo programme if the database is empty "
            "(./dev start: one start-up instead of three).",
        )

    def handle(self, *args, addrport, workers, threads, no_collectstatic, with_demo, **options):
        workers = workers or settings.WEB_WORKERS
        threads = threads or settings.WEB_THREADS
        if with_demo:
            call_command("migrate", verbosity=0)
            call_command("demo", if_empty=True, stdout=self.stdout)
        if not no_collectstatic:
            collect_if_changed(stdout=self.stdout)
        from gunicorn.app.wsgiapp import WSGIApplication

        sys.argv = [
            "gunicorn",
            "mikrolaan.wsgi:application",
            "--bind",
            addrport,
            "--workers",
            str(workers),
            # more than one thread: gunicorn's gthread worker; each thread keeps its own
            # database connection (MIKROLAAN_DB_CONN_MAX_AGE)
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            str(settings.WEB_TIMEOUT),
        ]
        self.stdout.write(
            f"Mikrolån on http://{addrport}/ (database: {settings.DATABASES['default']['NAME']}; "
            f"{workers} workers × {threads} threads)"
        )
        # The command has used the database (the audit record of this command line); gunicorn
        # forks its workers from this process, and a connection they inherited would be one
        # socket shared by all of them: their queries would get each other's answers.
        connections.close_all()
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
