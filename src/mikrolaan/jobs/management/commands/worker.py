"""``mikrolaan worker``: run the background jobs (bank statements, letters …) as they are queued.

Django's task framework with the database backend (``django-tasks-db``): the web server queues
a task in the database, this process takes it, runs it and records the outcome. Run one beside
the web server (``./dev start`` and ``mikrolaan serve --with-worker`` do; docs/deployment.md
has the systemd unit). Several workers may run at once: each task is taken by one of them.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.management.commands.db_worker import Worker

from mikrolaan.jobs.progress import fail_abandoned


class Command(BaseCommand):
    help = gettext_lazy("Run background jobs (bank statements, letters …) as they are queued.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help=_("Run the jobs that are waiting, then stop (e.g. from a timer or a test)."),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            metavar=_("SECONDS"),
            help=_("Seconds between two looks for new jobs when there is none (default 1)."),
        )

    def handle(self, *args, once, interval, **options):
        database = settings.DATABASES["default"]["NAME"]
        if once:
            self.stdout.write(_("Running the waiting jobs (database: %(db)s).") % {"db": database})
        else:
            self.stdout.write(
                _("The worker is running (database: %(db)s); Ctrl+C stops it.") % {"db": database}
            )
        for job in fail_abandoned():
            self.stdout.write(
                _("Job %(id)s was interrupted when its worker stopped; marked as failed.")
                % {"id": job.pk}
            )
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
        if once:
            self.stdout.write(_("No more jobs are waiting."))
