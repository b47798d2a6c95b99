"""``mikrolaan serve [ADDR:PORT]``: the production server (gunicorn) with static files.

``--with-worker`` starts ``mikrolaan worker`` (the background jobs) beside it, as a child
process that stops with the server (``./dev start`` does this; production runs the worker as
its own systemd unit, docs/deployment.md).
"""

import atexit
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core.static_files import collect_if_changed


class Command(BaseCommand):
    help = gettext_lazy(
        "Run the web server (gunicorn, static files by WhiteNoise). Default 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            metavar=_("ADDRESS:PORT"),
            help=_("Where to listen (default 127.0.0.1:8000)."),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            metavar=_("NUMBER"),
            help=_("Server processes (default: MIKROLAAN_WEB_WORKERS, 2)."),
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            metavar=_("NUMBER"),
            help=_(
                "Threads per process (default: MIKROLAAN_WEB_THREADS, 1; more: gthread worker)."
            ),
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help=_("Do not collect static files first (they are collected only when changed)."),
        )

        parser.add_argument(
            "--with-demo",
            action="store_true",
            help=_(
                "First migrate and load the demo programme if the database is empty "
                "(./dev start: one start-up instead of three)."
            ),
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help=_("Also run the background jobs (mikrolaan worker) until the server stops."),
        )

    def handle(
        self, *args, addrport, workers, threads, no_collectstatic, with_demo, with_worker, **options
    ):
        workers = workers or settings.WEB_WORKERS
        threads = threads or settings.WEB_THREADS
        if with_demo:
            call_command("migrate", verbosity=0)
            call_command("demo", if_empty=True, stdout=self.stdout)
        if not no_collectstatic:
            collect_if_changed(stdout=self.stdout)
        if with_worker:
            start_worker()
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
            _(
                "Mikrolån on http://%(addr)s/ (database: %(db)s; %(workers)s web processes × "
                "%(threads)s threads)"
            )
            % {
                "addr": addrport,
                "db": settings.DATABASES["default"]["NAME"],
                "workers": workers,
                "threads": threads,
            }
        )
        # The command has used the database (the audit record of this command line); gunicorn
        # forks its workers from this process, and a connection they inherited would be one
        # socket shared by all of them: their queries would get each other's answers.
        connections.close_all()
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM if the server process dies without stopping it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_worker() -> subprocess.Popen:
    """``mikrolaan worker`` as a child process, stopped (SIGTERM, then waited for) at exit."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "mikrolaan.cli", "worker"],
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
    )

    owner = os.getpid()  # gunicorn's forked workers inherit the handler: only we stop it

    def stop() -> None:
        if os.getpid() == owner and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=30)  # a running job finishes its step (graceful stop)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)
    return worker
