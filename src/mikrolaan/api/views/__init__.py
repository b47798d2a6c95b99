"""The API's endpoints: thin views over the apps' services and scoped querysets, by what they
do (``base``: what every endpoint shares)."""

from mikrolaan.api.views.base import not_found
from mikrolaan.api.views.reads import (
    CaseDetail,
    CaseList,
    CitizenDetail,
    CitizenList,
    FundView,
    LoanDetail,
    LoanList,
    ReportView,
)
from mikrolaan.api.views.token import TokenView
from mikrolaan.api.views.writes import AssessmentView, PaymentView, ReferralView, SpellView

__all__ = [
    "AssessmentView",
    "CaseDetail",
    "CaseList",
    "CitizenDetail",
    "CitizenList",
    "FundView",
    "LoanDetail",
    "LoanList",
    "PaymentView",
    "ReferralView",
    "ReportView",
    "SpellView",
    "TokenView",
    "not_found",
]
