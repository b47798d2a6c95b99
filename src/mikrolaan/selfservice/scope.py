"""Everything the citizen's pages read, scoped to the signed-in citizen.

The views read only through these functions: a citizen's id in a URL that is not theirs finds
nothing (404), whatever the id.
"""

from django.db.models import QuerySet

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.courses.models import Conversation, PlannedActivity
from mikrolaan.letters.models import Letter, LetterStatus
from mikrolaan.loans.models import Loan
from mikrolaan.people.models import Citizen


def cases_of(citizen: Citizen) -> QuerySet[Case]:
    return (
        Case.objects.filter(citizen=citizen)
        .exclude(stage=Stage.REGISTERED_IN_ERROR)
        .select_related("cohort")
        .order_by("-opened_on", "-pk")
    )


def loans_of(citizen: Citizen) -> QuerySet[Loan]:
    return Loan.objects.filter(citizen=citizen).order_by("-granted_on", "loan_ref")


def letters_of(citizen: Citizen) -> QuerySet[Letter]:
    """Letters sent to the citizen (not those still waiting in the outbox)."""
    return (
        Letter.objects.filter(citizen=citizen)
        .exclude(status=LetterStatus.QUEUED)
        .exclude(pdf_path="")
        .order_by("-created_at", "-pk")
    )


def plan_of(case: Case) -> QuerySet[PlannedActivity]:
    return PlannedActivity.objects.filter(plan__case=case).select_related("activity")


def conversations_of(case: Case) -> QuerySet[Conversation]:
    return Conversation.objects.filter(case=case).order_by("-held_on", "-pk")
