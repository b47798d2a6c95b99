"""The measuring points and what the statements measure (issue 11, part 2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Point(models.TextChoices):
    """The five times a citizen answers the same questionnaire, in their order."""

    REFERRAL = "referral", _("At referral")
    PRE_COURSE_END = "pre_course_end", _("End of the pre-course")
    MAIN_COURSE_END = "main_course_end", _("End of the main course")
    AFTER_6_MONTHS = "after_6_months", _("6 months after the main course")
    AFTER_12_MONTHS = "after_12_months", _("12 months after the main course")


# Points in order; the report measures change from the first to each later one.
POINTS: list[str] = list(Point.values)
BASELINE = Point.REFERRAL
LATER_POINTS: list[str] = POINTS[1:]


class Area(models.TextChoices):
    """What a statement measures: the three P's (DOMAIN.md) and three more."""

    PERSON = "person", _("The person")
    MONEY = "money", _("The money")
    PLAN = "plan", _("The plan")
    WELL_BEING = "well_being", _("Well-being")
    WORK_READINESS = "work_readiness", _("Readiness for work")
    BUSINESS_CONFIDENCE = "business_confidence", _("Confidence in running a business")


class Channel(models.TextChoices):
    """Who entered the answers: the citizen on their page, a caseworker from a conversation, or
    another of the municipality's systems through the API (its account is ``recorded_by``)."""

    CITIZEN = "citizen", _("The citizen")
    CASEWORKER = "caseworker", _("Caseworker, from a conversation")
    SYSTEM = "system", _("Another system, through the API")


# Channels whose acting user must be staff (or a system's account) who may see the case.
STAFF_CHANNELS = (Channel.CASEWORKER, Channel.SYSTEM)


class PointStatus(models.TextChoices):
    """Where a measuring point stands for a case on a given day (``due.due_points``)."""

    ANSWERED = "answered", _("Answered")
    DUE = "due", pgettext_lazy("self-assessment", "Due")
    OVERDUE = "overdue", pgettext_lazy("self-assessment", "Overdue")
    UPCOMING = "upcoming", _("Upcoming")
    NOT_YET_KNOWN = "not_yet_known", _("Date not yet known")
    LAPSED = "lapsed", _("Lapsed")


SCORE_MIN, SCORE_MAX = 1, 5

# Days to answer, for a point whose date lies before every questionnaire version.
DEFAULT_ANSWER_WITHIN_DAYS = 30
