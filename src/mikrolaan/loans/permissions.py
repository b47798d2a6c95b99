"""Who may do what with a loan. Views and case-page actions ask here; no rule in templates."""

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role

_ACTIONS = {
    "view": {Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER, Role.FINANCE_CLERK},
    "set_up": {Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER, Role.FINANCE_CLERK},
    "payout": {Role.BENEFITS_CASEWORKER, Role.FINANCE_CLERK},
    "deferral": {Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER},
    "payment": {Role.FINANCE_CLERK},
    "reverse": {Role.FINANCE_CLERK},
    "write_off": {Role.FINANCE_CLERK},
    "refund": {Role.FINANCE_CLERK},
    "fund": {Role.FINANCE_CLERK, Role.MANAGER, Role.PROJECT_LEADER},
}


def can(user: User, action: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and user.role in _ACTIONS[action]
