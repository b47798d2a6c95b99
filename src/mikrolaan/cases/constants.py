from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a case stands on the citizen's way (DOMAIN.md §6). A projection of its events."""

    REFERRED = "referred", _("Referred")
    FIRST_SCREENING = "first_screening", _("First screening done")
    FIRST_CONVERSATION = "first_conversation", _("First conversation done")
    FINAL_SCREENING = "final_screening", _("Final screening done")
    PRE_COURSE = "pre_course", _("Pre-course")
    DECISION = "decision", _("Budget decision")
    GRANTED = "granted", _("Loan granted")
    MAIN_COURSE = "main_course", _("Main course")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = [s for s in Stage.values if s not in {"completed", "dropped_out", "closed"}]


class DropoutReason(models.TextChoices):
    """The review's reasons (§7.1); codes as in INTERCHANGE.md."""

    WANTS_LARGER_LOAN = "wants_larger_loan", _("Wanted a larger loan than the programme allows")
    OWN_LIMITATIONS = "own_limitations", _("Own limitations")
    IDEA_NOT_REALISABLE = "idea_not_realisable", _("Idea not realisable (licences, permits)")
    LANGUAGE = "language", _("Language")
    ILLNESS = "illness", _("Illness (not declared fit in time)")
    STRAINED_FINANCES = "strained_finances", _("Strained finances on a reduced benefit")
    FEAR_OF_UNCERTAIN_INCOME = "fear_of_uncertain_income", _("Fear of an uncertain income")
    ORDINARY_JOB = "ordinary_job", _("Ordinary job")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class DropoutDestination(models.TextChoices):
    JOB = "job", _("Job")
    EDUCATION = "education", _("Education")
    BUSINESS_WITHOUT_LOAN = "business_without_loan", _("Business without a loan")
    OTHER_OFFER = "other_offer", _("Other offer from the job centre")
    PUBLIC_SUPPORT = "public_support", _("Public support")
    OTHER = "other", _("Other")
