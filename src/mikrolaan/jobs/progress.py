"""Starting a background job and reporting its progress: the API every task uses.

    job = start_job("bank_import", import_statement_task, created_by=user, params={...})
    # … in the task (``run_job`` calls begin/finish/fail around the work):
    tracker(job).begin(total=n, step="posting")
    tracker(job).advance(2000)

Progress is written at most every ``WRITE_EVERY`` seconds. A task that works inside one
transaction (all or nothing) still shows its progress on PostgreSQL: inside a transaction the
figures go through a second connection of their own, so the page sees them before the commit.
SQLite has one writer at a time, so there the figures inside a transaction are kept in memory
and written when the job ends (the page shows the step it is in).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mikrolaan.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

WRITE_EVERY = 0.5  # seconds between two progress writes of one job

_side = threading.local()
_last_write: dict[int, float] = {}


def start_job(kind: str, task, *, created_by=None, params: dict | None = None) -> Job:
    """Record a job and queue its task (``task(job_id)``), in one transaction: with the
    database backend the queued task and the job are committed together or not at all."""
    params = dict(params or {})
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    user = created_by if (created_by is not None and created_by.is_authenticated) else None
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=params, created_by=user)
        queued = task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(queued.id)[:64])
    job.refresh_from_db()
    return job


def run_job(job_id: int, work: Callable[[Job], dict]) -> dict | None:
    """Run ``work(job)`` for a queued job: marks it running, then done with the dict ``work``
    returns as its result, or failed with the error. A job already finished is not run again
    (a task the worker picks up twice does nothing the second time)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return None
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        begin(job)
        try:
            result = work(job)
        except Exception as exc:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            fail(job, _("The job stopped with an unexpected error: %(error)s") % {"error": exc})
            raise
        finish(job, result or {})
        return result


def begin(job: Job, *, total: int = 0, step: str = "") -> None:
    # Transactions opened after this (by the work) are the work's: progress inside them is
    # written beside them (see the module's docstring).
    if not hasattr(job, "_base_depth"):
        job._base_depth = len(connection.atomic_blocks)
    job.status = JobStatus.RUNNING
    job.started_at = job.started_at or timezone.now()
    job.worker = job.worker or this_worker()
    job.total = max(total, job.total)
    job.step = step or job.step
    _write(job, force=True)


def stage(job: Job, step: str, *, total: int = 0) -> None:
    """A new step of the job, counted from zero (``total`` 0: not known yet)."""
    job.step = step[:60]
    job.total = total
    job.done = 0
    _write(job, force=True)


def advance(job: Job, n: int = 1, *, step: str | None = None, total: int | None = None) -> None:
    job.done += n
    if total is not None:
        job.total = total
    if job.total and job.done > job.total:
        job.total = job.done
    if step is not None:
        job.step = step
    _write(job)


def finish(job: Job, result: dict) -> None:
    job.status = JobStatus.DONE
    job.result = result
    job.finished_at = timezone.now()
    if job.total:
        job.done = job.total
    _write(job, force=True, final=True)


def fail(job: Job, error: str) -> None:
    job.status = JobStatus.FAILED
    job.error = error
    job.finished_at = timezone.now()
    _write(job, force=True, final=True)


FIELDS = [
    "status",
    "total",
    "done",
    "step",
    "result",
    "error",
    "started_at",
    "finished_at",
    "worker",
]


def _write(job: Job, *, force: bool = False, final: bool = False) -> None:
    now = time.monotonic()
    if not force and now - _last_write.get(job.pk, 0.0) < WRITE_EVERY:
        return
    _last_write[job.pk] = now
    if final:
        _last_write.pop(job.pk, None)
    if len(connection.atomic_blocks) <= getattr(job, "_base_depth", 0):
        Job.objects.filter(pk=job.pk).update(**{f: getattr(job, f) for f in FIELDS})
        if final:
            _close_side()
        return
    if connection.vendor == "postgresql":
        _write_beside(job)
    # SQLite inside a transaction: kept in memory; the final write is made after the commit.
    if final:
        transaction.on_commit(lambda: _write(job, force=True, final=True))


def _write_beside(job: Job) -> None:
    """The progress figures through a connection outside the running transaction."""
    side = getattr(_side, "connection", None)
    if side is None:
        side = _side.connection = connections.create_connection(DEFAULT_DB_ALIAS)
    table = Job._meta.db_table
    with side.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, total = %s, done = %s, step = %s WHERE id = %s",  # noqa: S608 - the model's own table name
            [job.status, job.total, job.done, job.step, job.pk],
        )


def _close_side() -> None:
    side = getattr(_side, "connection", None)
    if side is not None:
        side.close()
        _side.connection = None


def this_worker() -> str:
    """This process, as a job records who runs it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(worker: str) -> bool:
    """True when ``worker`` ("host:pid") ran on this machine and that process has ended.
    A worker on another machine cannot be seen from here: it is not judged."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user: alive
        return False
    return False


def fail_abandoned(jobs=None) -> list[Job]:
    """Mark as failed the running jobs whose worker process has ended (killed, crashed, the
    machine restarted) — without this they would show "running" for ever. Called when a
    worker starts and when a job's page is shown. Returns the jobs it marked."""
    running = Job.objects.filter(status=JobStatus.RUNNING).exclude(worker="")
    if jobs is not None:
        running = running.filter(pk__in=[j.pk for j in jobs])
    marked = []
    for job in running:
        if _gone(job.worker):
            with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
                message = _(
                    "The job was interrupted: the process running it (%(worker)s) stopped "
                    "before the job was finished. What the job saves all at once (a bank "
                    "statement) was not saved; start the job again."
                ) % {"worker": job.worker}
            # Straight to the row (not ``fail``: that writes as the running task would).
            if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, error=message, finished_at=timezone.now()
            ):
                marked.append(job)
    return marked


class Tracker:
    """A job's progress as an object (``tracker(job).advance(n)``), for code that reports
    progress to whatever it is given (a job, or the terminal's dots)."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def begin(self, *, total: int = 0, step: str = "") -> None:
        begin(self.job, total=total, step=step)

    def stage(self, step: str, *, total: int = 0) -> None:
        stage(self.job, step, total=total)

    def advance(self, n: int = 1, *, step: str | None = None) -> None:
        advance(self.job, n, step=step)

    def finish(self, result: dict[str, object]) -> None:
        finish(self.job, result)

    def fail(self, error: str) -> None:
        fail(self.job, error)


def tracker(job: Job) -> Tracker:
    return Tracker(job)
