"""What the loans app adds to the cases app: the case's loans on its page, and no closing as
registered in error once a loan exists (registered in ``LoansConfig.ready``)."""

from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.cases.models import Case
from mikrolaan.cases.page import register_context
from mikrolaan.cases.services import register_error_closure_guard
from mikrolaan.loans.models import Loan
from mikrolaan.loans.permissions import can


@register_context("loans")
def loans_on_case_page(case: Case, user: User) -> list[Loan]:
    """The case's loans this user may see (for the link to the loan page)."""
    if not can(user, "view"):
        return []
    return list(Loan.objects.for_user(user).filter(case=case).order_by("pk"))


@register_error_closure_guard
def case_has_loan(case: Case) -> str | None:
    if Loan.objects.filter(case=case).exists():
        return _("The case has a loan; a case with a loan cannot be registered in error.")
    return None
