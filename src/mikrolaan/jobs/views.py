"""A job's page: its progress while it runs (the page asks again every second, htmx), and the
result when it is done, shown by the template of the job's kind (``jobs/result_<kind>.html``)."""

from django.shortcuts import get_object_or_404, render
from django.template.loader import select_template

from mikrolaan.jobs.models import Job, JobStatus
from mikrolaan.jobs.progress import fail_abandoned


def _context(request, pk):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    if job.status == JobStatus.RUNNING and fail_abandoned([job]):
        job.refresh_from_db()
    result_template = select_template([f"jobs/result_{job.kind}.html", "jobs/result.html"])
    return {"job": job, "result_template": result_template.template.name}


def job(request, pk):
    context = _context(request, pk)
    page = select_template([f"jobs/job_{context['job'].kind}.html", "jobs/job.html"])
    return render(request, page.template.name, context)


def progress(request, pk):
    """The part of the page that changes; the polling stops when the job has finished (the
    returned fragment no longer carries the trigger)."""
    return render(request, "jobs/_progress.html", _context(request, pk))
