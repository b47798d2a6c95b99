"""A background job's progress, as the person who started it sees it.

The task itself runs in ``mikrolaan worker`` (Django's task framework, database backend); a
``Job`` is the small record any task updates so a page can show how far it is and, at the
end, what it did. It is a progress record, not a history: its figures change while it runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.roles import Role


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is seen by the one who started it (and the administrator)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
        return self.filter(created_by=user)


class Job(models.Model):
    # What the job does, e.g. "bank_import"; its result page is jobs/result_<kind>.html.
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    # Its input (file name, options), as JSON; never personal data beyond what the task needs.
    params = models.JSONField(_("input"), default=dict, blank=True)
    total = models.PositiveBigIntegerField(_("total"), default=0)  # 0: not known (yet)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    step = models.CharField(_("step"), max_length=60, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # The process running it, "host:pid", so a job whose worker died can be told from one
    # that is still working (``progress.fail_abandoned``).
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,  # null: started from the command line or by the system
        blank=True,
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running from"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total=0) | models.Q(done__lte=models.F("total")),
                name="job_done_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """How far, 0–100, when the total is known."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
