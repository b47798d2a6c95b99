"""Tasks for the jobs tests: they count, fail, or report progress inside a transaction."""

import time

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_tasks import task

from mikrolaan.jobs.models import Job
from mikrolaan.jobs.progress import run_job, tracker


@task()
def count(job_id: int) -> None:
    def work(job: Job) -> dict:
        n = job.params["n"]
        tracker(job).stage("counting", total=n)
        for _ in range(n):
            tracker(job).advance(1)
        return {"counted": n}

    run_job(job_id, work)


@task()
def fail(job_id: int) -> None:
    def work(job: Job) -> dict:
        tracker(job).advance(1)
        raise ValueError("the file ended too soon")

    run_job(job_id, work)


@task()
def progress_seen_from_outside(job_id: int) -> None:
    """Advance inside a transaction and read the figure through another connection."""

    def work(job: Job) -> dict:
        tracker(job).stage("posting", total=10)
        with transaction.atomic():
            tracker(job).advance(4)
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT done, step FROM jobs_job WHERE id = %s", [job.pk])
                    seen = cursor.fetchone()
            finally:
                other.close()
        return {"seen_done": seen[0], "seen_step": seen[1]}

    run_job(job_id, work)


@task()
def wait_to_be_killed(job_id: int) -> None:
    """Starts, then waits (up to a minute) — for a test that kills its worker meanwhile."""

    def work(job: Job) -> dict:
        tracker(job).stage("waiting", total=60)
        for _ in range(600):
            time.sleep(0.1)
        return {}

    run_job(job_id, work)
