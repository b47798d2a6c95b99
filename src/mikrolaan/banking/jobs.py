"""Importing a bank statement as a background job: the upload is kept as a private file, the
import runs in ``mikrolaan worker`` and reports its progress and result on the job's page."""

import os
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django_tasks import task

from mikrolaan.accounts.models import User
from mikrolaan.banking import services
from mikrolaan.core.private_files import private_dir
from mikrolaan.jobs.models import Job
from mikrolaan.jobs.progress import run_job, start_job, tracker

KIND = "bank_import"


def enqueue_import(
    file_name: str, content: IO[bytes], *, account: str = "", acting_user: User | None = None
) -> Job:
    """Keep the file (read as a stream) and queue its import; the job's page shows the rest."""
    folder = private_dir(Path(settings.BANK_STATEMENTS_DIR))
    stored_as = f"{uuid.uuid4().hex}.statement"
    stream: IO[bytes] = getattr(content, "file", content)  # an UploadedFile wraps the file
    stream.seek(0)
    fd = os.open(folder / stored_as, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
    return start_job(
        KIND,
        import_statement,
        created_by=acting_user,
        params={"file_name": file_name[:255], "account": account, "stored_as": stored_as},
    )


@task()
def import_statement(job_id: int) -> None:
    run_job(job_id, _import)


def _import(job: Job) -> dict[str, object]:
    path = Path(settings.BANK_STATEMENTS_DIR) / job.params["stored_as"]
    with path.open("rb") as content:
        result = services.import_statement_file(
            job.params["file_name"],
            content,
            acting_user=job.created_by,
            account=job.params.get("account", ""),
            progress=tracker(job),
        )
    path.unlink()  # its entries are in the database now (or it was refused: nothing is)
    return summary(result)


def summary(result: services.ImportResult) -> dict[str, object]:
    """The result as the job keeps it (JSON); the page puts it into words."""
    return {
        "file_name": result.file_name,
        "status": result.status,
        "error": result.error,
        "posted": result.posted,
        "queued": dict(result.queued),
        "queued_total": result.queued_total,
        "skipped": dict(result.skipped),
        "skipped_total": result.skipped_total,
        "statements": [s.pk for s in result.statements],
        "already_imported_statements": result.already_imported_statements,
    }
