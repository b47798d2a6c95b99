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
    REGISTERED_IN_ERROR = "registered_in_error", _("Registered in error")


OPEN_STAGES = [
    s
    for s in Stage.values
    if s not in {"completed", "dropped_out", "closed", "registered_in_error"}
]


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


class EventKind(models.TextChoices):
    """The kinds of case events this app and ``courses`` write (other apps add their own)."""

    REFERRAL = "referral", _("Referral")
    FIRST_SCREENING = "first_screening", _("First screening")
    FIRST_CONVERSATION = "first_conversation", _("First conversation")
    FINAL_SCREENING = "final_screening", _("Final screening")
    CORRECTION = "correction", _("Correction")
    DROPOUT = "dropout", _("Dropout")
    COHORT_ASSIGNED = "cohort_assigned", _("Assigned to a cohort")
    COHORT_MOVED = "cohort_moved", _("Moved to a later cohort")
    PLAN_ACTIVITY = "plan_activity", _("Activity added to the pre-course plan")
    PLAN_COMPLETED = "plan_completed", _("Pre-course plan completed")
    CONVERSATION = "conversation", _("Conversation")
    REGISTERED_IN_ERROR = "registered_in_error", _("Case closed as registered in error")


class SelfEmploymentOrigin(models.TextChoices):
    """Why the citizen is referred (§6.1): she raised it herself, or a marked talent shows it."""

    RAISED_BY_CITIZEN = "raised_by_citizen", _("The citizen raised self-employment herself")
    CRAFT = "craft", _("A marked craft")
    SKILL = "skill", _("A marked skill")
    HOBBY = "hobby", _("A dedicated hobby")


class Judgement(models.TextChoices):
    STRONG = "strong", _("Strong")
    ADEQUATE = "adequate", _("Adequate")
    DOUBTFUL = "doubtful", _("Doubtful")
    INSUFFICIENT = "insufficient", _("Insufficient")


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    DO_NOT_RECOMMEND = "do_not_recommend", _("Do not recommend")


# The screening steps in their order, the stage each leads from and to, and who does it.
SCREENING_STEPS = {
    EventKind.FIRST_SCREENING: (Stage.REFERRED, Stage.FIRST_SCREENING, "knowledge_person"),
    EventKind.FIRST_CONVERSATION: (
        Stage.FIRST_SCREENING,
        Stage.FIRST_CONVERSATION,
        "knowledge_person",
    ),
    EventKind.FINAL_SCREENING: (Stage.FIRST_CONVERSATION, Stage.FINAL_SCREENING, "project_leader"),
}
