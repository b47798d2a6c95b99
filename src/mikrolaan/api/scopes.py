"""What a calling system may do: one scope per kind of data and direction.

A system is registered with the scopes it needs; every endpoint names the scope it requires
(``views.ScopedView.scopes``). Which rows a system sees is decided as for a person: by the
unit it is registered for (``clients.service_role``), through the models' ``for_user``.
"""

from django.utils.translation import gettext_lazy as _

CASES_READ = "cases:read"
LOANS_READ = "loans:read"
REPORT_READ = "report:read"
FUND_READ = "fund:read"
REFERRALS_WRITE = "referrals:write"
PAYMENTS_WRITE = "payments:write"
SPELLS_WRITE = "spells:write"
ASSESSMENTS_WRITE = "assessments:write"

SCOPES = {
    CASES_READ: _("Read citizens and cases (within the system's unit, if it has one)"),
    LOANS_READ: _("Read loans with their plan and ledger (systems without a unit)"),
    REPORT_READ: _("Read the chapter-7 report"),
    FUND_READ: _("Read the revolving fund for a date"),
    REFERRALS_WRITE: _("Send referrals from the job centre (systems with a unit)"),
    PAYMENTS_WRITE: _("Send payments received by the finance system"),
    SPELLS_WRITE: _("Send support spells"),
    ASSESSMENTS_WRITE: _("Send a citizen's answers to the self-assessment"),
}
ALL = tuple(SCOPES)
