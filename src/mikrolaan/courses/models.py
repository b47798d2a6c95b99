from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


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

    # Indexed by the unique (case, cohort) below.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="participations", db_index=False
    )
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


class Activity(models.Model):
    """An activity in the pre-course catalogue (§6.2); administrators keep the catalogue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    default_sessions = models.PositiveSmallIntegerField(_("sessions"), default=1)
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("Every pre-course plan must hold a mandatory activity."),
    )
    ends_before_main_course = models.BooleanField(
        _("must end before the main course"),
        default=False,
        help_text=_(
            "The activity must end at least the set number of days before the main course "
            "starts (the self-development course: 15 days)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name


class PreCoursePlan(models.Model):
    """A citizen's own pre-course: activities chosen from the catalogue (§6.2)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="pre_course_plan"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pre-course plan")
        verbose_name_plural = _("pre-course plans")

    def __str__(self) -> str:
        return f"{self.case}"


class PlannedActivity(models.Model):
    plan = models.ForeignKey(PreCoursePlan, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="planned_activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_attended__lte=models.F("sessions")),
                name="planned_activity_attended_at_most_sessions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_on}–{self.ends_on}"


class ConversationKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual conversation (project leader)")
    JOB_CONSULTANT = "job_consultant", _("Job-consultant conversation (every 3 months)")


class Conversation(AppendOnlyModel):
    """A conversation held with the citizen; logged once, corrected by a new record."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conversations")
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="conversation"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConversationKind.choices)
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        # The start pages' "latest conversation of this kind" per case.
        indexes = [models.Index(fields=["case", "kind", "-held_on"], name="conversation_case_kind")]
