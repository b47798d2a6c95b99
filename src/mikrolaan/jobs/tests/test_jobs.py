"""Background jobs: queued in the database, run by the worker, with progress and a result."""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mikrolaan.jobs import progress
from mikrolaan.jobs.models import Job, JobStatus
from mikrolaan.jobs.progress import run_job, start_job
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.jobs.tests import tasks


@pytest.mark.django_db
def test_the_worker_runs_a_queued_job_to_the_end(finance_clerk):
    job = start_job("count", tasks.count, created_by=finance_clerk, params={"n": 7})
    assert job.status == JobStatus.QUEUED and job.task_id
    assert DBTaskResult.objects.get().status == "READY"
    out = run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.result) == (7, 7, {"counted": 7})
    assert job.started_at <= job.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert "Ingen flere job venter." in out


@pytest.mark.django_db
def test_a_failing_job_keeps_the_error_in_danish_and_runs_no_more():
    job = start_job("fail", tasks.fail)
    run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Jobbet stoppede med en uventet fejl: the file ended too soon"
    assert DBTaskResult.objects.get().status == "FAILED"
    # A task taken twice (a worker that died after finishing) does nothing the second time.
    assert run_job(job.pk, lambda j: pytest.fail("ran again")) is None


@pytest.mark.django_db
def test_the_job_page_polls_while_running_and_stops_when_done(client, finance_clerk):
    job = start_job("count", tasks.count, created_by=finance_clerk, params={"n": 3})
    client.force_login(finance_clerk)
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in page
    assert "Venter på at starte" in page
    assert "<script>" not in page.split("<main", 1)[1]  # CSP: no inline script
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, total=4, done=1, step="tæller")
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'value="25"' in fragment and "1 af 4 (25 %)" in fragment
    run_waiting_jobs()
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Jobbet er færdigt." in fragment


@pytest.mark.django_db
def test_a_job_is_shown_only_to_whoever_started_it(client, finance_clerk, project_leader):
    job = start_job("count", tasks.count, created_by=finance_clerk, params={"n": 1})
    client.force_login(project_leader)
    assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:progress", args=[job.pk])).status_code == 404


def _postgres_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_before_the_commit(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: progress is written at the end")
    monkeypatch.setattr(progress, "WRITE_EVERY", 0)  # every figure written at once
    job = start_job("seen", tasks.progress_seen_from_outside)
    run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result == {"seen_done": 4, "seen_step": "posting"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_mikrolaan_worker_process_runs_a_queued_job():
    """The real command in its own process, against the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the test database on SQLite lives in this process's memory")
    job = start_job("count", tasks.count, params={"n": 3})
    env = {**os.environ, "DATABASE_URL": _postgres_url(), "MIKROLAAN_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "mikrolaan.cli", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.DONE, {"counted": 3})


def _last_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_marked_failed_when_a_worker_starts():
    host = socket.gethostname()
    # Jobs a worker took (no task waits in the queue for them any more).
    dead, alive, elsewhere = (
        Job.objects.create(kind="count", status=JobStatus.RUNNING, worker=worker)
        for worker in (f"{host}:{_last_pid()}", f"{host}:{os.getpid()}", "another-machine:1")
    )
    out = run_waiting_jobs()
    assert f"Job {dead.pk} blev afbrudt" in out
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == JobStatus.FAILED
    # A live worker's job and one on a machine this one cannot see are left running.
    assert statuses[alive.pk] == statuses[elsewhere.pk] == JobStatus.RUNNING
    assert "start jobbet igen" in Job.objects.get(pk=dead.pk).error


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_job_shows_the_job_as_interrupted(client, finance_clerk):
    """The real worker process, killed (SIGKILL) while it runs a job: the job's page says the
    job was interrupted instead of "running" for ever."""
    if connection.vendor != "postgresql":
        pytest.skip("the test database on SQLite lives in this process's memory")
    job = start_job("wait", tasks.wait_to_be_killed, created_by=finance_clerk)
    env = {**os.environ, "DATABASE_URL": _postgres_url(), "MIKROLAAN_LOG_LEVEL": "WARNING"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "mikrolaan.cli", "worker", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.worker:
                break
            time.sleep(0.2)
        assert job.worker == f"{socket.gethostname()}:{worker.pid}"
    finally:
        worker.kill()
        worker.wait()
    client.force_login(finance_clerk)
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "Jobbet fejlede" in page and "blev afbrudt" in page
    assert "hx-trigger" not in page
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
