"""The fund forecast computed by a background job, never inside a page request.

Over a large portfolio the forecast takes minutes (``loans.forecast``); the fund page shows
the latest forecast a job has computed for the date, with the time it was computed, and asks
for one (a ``fund_forecast`` job, run by ``mikrolaan worker``) when there is none yet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django_tasks import task

from mikrolaan.jobs.models import FINISHED, Job, JobStatus
from mikrolaan.jobs.progress import run_job, start_job
from mikrolaan.loans.forecast import fund_forecast
from mikrolaan.loans.forecast_chart import inflow_chart

KIND = "fund_forecast"
_DECIMALS = ("top_label", "expected", "low", "high", "committed", "can_lend")
_DATES = ("first_month", "last_month")


@task()
def compute(job_id: int) -> None:
    run_job(job_id, _compute)


def _compute(job: Job) -> dict[str, Any]:
    chart = inflow_chart(fund_forecast(dt.date.fromisoformat(job.params["as_of"])))
    if chart is None:
        return {"chart": None}
    stored = dict(chart)
    for key in _DECIMALS:
        stored[key] = str(chart[key])
    for key in _DATES:
        stored[key] = chart[key].isoformat()
    return {"chart": stored}


def _chart(result: dict[str, Any]) -> dict[str, Any] | None:
    stored = result.get("chart")
    if not stored:
        return None
    chart = dict(stored)
    for key in _DECIMALS:
        chart[key] = Decimal(stored[key])
    for key in _DATES:
        chart[key] = dt.date.fromisoformat(stored[key])
    return chart


def forecast_for_page(as_of: dt.date) -> dict[str, Any]:
    """What the fund page shows: the latest computed chart for ``as_of`` and when it was
    computed, or that one is being computed (queued now if nobody asked yet)."""
    jobs = Job.objects.filter(kind=KIND, params__as_of=as_of.isoformat())
    done = jobs.filter(status=JobStatus.DONE).order_by("-finished_at").first()
    if done is not None:
        return {"chart": _chart(done.result), "computed_at": done.finished_at, "pending": False}
    if not jobs.exclude(status__in=FINISHED).exists():
        start_job(KIND, compute, params={"as_of": as_of.isoformat()})
    return {"chart": None, "computed_at": None, "pending": True}
