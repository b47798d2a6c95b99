"""For tests: run the queued jobs now, in this process, through the real worker loop."""

from io import StringIO
from unittest import mock

from django.core.management import call_command


def run_waiting_jobs() -> str:
    """``mikrolaan worker --once`` inside the test's transaction. The worker closes stale
    connections between tasks, which inside a test's transaction would end the test's own;
    that one call is left out here."""
    out = StringIO()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--once", stdout=out)
    return out.getvalue()
