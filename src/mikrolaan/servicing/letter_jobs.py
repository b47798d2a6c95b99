"""The reminder letters of a run issued by background jobs, in parallel, with progress.

On the heaviest day a run decides some 84,000 reminders in seconds; typesetting and sending
their letters takes minutes. ``enqueue_letters(parts=N)`` cuts the reminders still without a
letter into N contiguous slices and queues one job per slice, so N ``mikrolaan worker``
processes issue them side by side (``servicing.reminders.issue_reminder_letters``: committed
batches, never a letter twice). Each job's page shows how far it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from mikrolaan.jobs.models import Job
from mikrolaan.jobs.progress import run_job, start_job, tracker
from mikrolaan.servicing.reminders import issue_reminder_letters, pending_reminder_ids, slices

KIND = "reminder_letters"


@task()
def issue_slice(job_id: int) -> None:
    run_job(job_id, _issue)


def _issue(job: Job) -> dict[str, Any]:
    ids: list[int] = job.params["reminder_ids"]
    progress = tracker(job)
    progress.stage(_("Issuing reminder letters"), total=len(ids))
    reported = 0

    def advance(done: int, _total: int) -> None:
        nonlocal reported
        progress.advance(done - reported)
        reported = done

    return {"letters": issue_reminder_letters(ids, progress=advance)}


def enqueue_letters(*, parts: int = 2, created_by: Any = None) -> list[Job]:
    """Queue the letters of every reminder without one, as ``parts`` parallel jobs."""
    ids = pending_reminder_ids()
    return [
        start_job(KIND, issue_slice, created_by=created_by, params={"reminder_ids": part})
        for part in slices(ids, parts)
        if part
    ]
