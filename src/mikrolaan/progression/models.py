"""The self-assessment: dated questionnaires, and the citizen's answers at each point.

A questionnaire is a version valid from a date until the next one, like the loan policy; a
change of statements is a new version. A statement keeps its ``code`` across versions, so the
report can follow one item from referral to the later points even when its wording changes.

Assessments and their answers are append-only: a correction is a new assessment whose
``corrects`` points at the one it replaces (and carries all its answers again).
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel
from mikrolaan.progression.constants import SCORE_MAX, SCORE_MIN, Area, Channel, Point


class QuestionnaireNotInForce(Exception):
    pass


class Questionnaire(AppendOnlyModel):
    """One version of the statements, in force from ``valid_from`` until the next version."""

    valid_from = models.DateField(_("valid from"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    answer_within_days = models.PositiveSmallIntegerField(
        _("days after a point's date before its assessment is overdue"), default=30
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d.%m.%Y})"

    @classmethod
    def in_force(cls, on: dt.date) -> "Questionnaire":
        questionnaire = cls.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
        if questionnaire is None:
            raise QuestionnaireNotInForce(f"no questionnaire is in force on {on.isoformat()}")
        return questionnaire


class Statement(AppendOnlyModel):
    """A statement the citizen scores from 1 (not at all) to 5 (completely)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="statements"
    )
    code = models.SlugField(_("code"), max_length=40)
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    text = models.CharField(_("statement"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="statement_code_once_per_version"
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="statement_position_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Assessment(AppendOnlyModel):
    """A citizen's answers at one measuring point. ``recorded_by`` is the caseworker who
    entered them (empty when the citizen answered on their own page or the system imported
    them); ``channel`` says which."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="assessments"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.CharField(_("measuring point"), max_length=20, choices=Point.choices)
    answered_on = models.DateField(_("answered on"))
    channel = models.CharField(_("entered by"), max_length=20, choices=Channel.choices)
    why = models.TextField(_("reason or notes"), blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )

    class Meta:
        ordering = ["answered_on", "recorded_at", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["case", "point"])]
        constraints = [
            # A second first-hand assessment of the same point is a correction instead.
            models.UniqueConstraint(
                fields=["case", "point"],
                condition=models.Q(corrects__isnull=True),
                name="assessment_once_per_point",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.point} {self.answered_on}"


class Answer(AppendOnlyModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["assessment", "statement__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "statement"], name="answer_once_per_statement"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="answer_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.score}"


class AssessmentReminder(AppendOnlyModel):
    """The one reminder letter sent for a case's measuring point (``reminders``)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.CharField(_("measuring point"), max_length=20, choices=Point.choices)
    sent_on = models.DateField(_("sent on"))
    letter = models.OneToOneField(
        "letters.Letter", verbose_name=_("letter"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("self-assessment reminder")
        verbose_name_plural = _("self-assessment reminders")
        constraints = [
            models.UniqueConstraint(fields=["case", "point"], name="assessment_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.point} {self.sent_on}"
