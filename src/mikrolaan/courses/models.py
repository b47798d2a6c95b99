from django.db import models
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """A team (forløb/hold) of 10–12 entrepreneurs: M1, M2 … (DOMAIN.md)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    pre_course_start = models.DateField(_("pre-course start"), null=True, blank=True)
    main_course_start = models.DateField(_("main course start"))
    main_course_end = models.DateField(_("main course end"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=12)

    class Meta:
        ordering = ["main_course_start", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(main_course_end__gte=models.F("main_course_start")),
                name="cohort_main_course_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ParticipationStatus(models.TextChoices):
    PRE_COURSE = "pre_course", _("Pre-course")
    MAIN_COURSE = "main_course", _("Main course")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    MOVED = "moved", _("Moved to a later cohort")


class Participation(models.Model):
    """A case's place in a cohort. A move to a later cohort ends this one (status ``moved``)
    and starts a new one whose ``moved_from`` points here; the move is also a case event."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="participations")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="participations")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.PRE_COURSE,
    )
    # This person's own end of the main course, if not the cohort's (the delayed M6 participant).
    main_course_end = models.DateField(_("own main course end"), null=True, blank=True)
    moved_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="moved_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort__main_course_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "cohort"], name="participation_once_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} in {self.cohort}"

    @property
    def course_end(self):
        return self.main_course_end or self.cohort.main_course_end
