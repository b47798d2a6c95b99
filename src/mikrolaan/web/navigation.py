"""The menu each role sees. Apps register their entries here, by role."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.roles import Role
from mikrolaan.privacy.menu import INSIGHT_MENU_LABEL


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]


_ALL = frozenset(Role.values)
_CASEWORK = frozenset(
    {
        Role.JOB_CONSULTANT,
        Role.KNOWLEDGE_PERSON,
        Role.PROJECT_LEADER,
        Role.BENEFITS_CASEWORKER,
        Role.FINANCE_CLERK,
    }
)

MENU: list[MenuItem] = [
    MenuItem(_("My page"), "web:home", _ALL),
    MenuItem(_("Cases"), "cases:list", _CASEWORK),
    MenuItem(_("Cohorts"), "courses:cohorts", frozenset({Role.PROJECT_LEADER, Role.MANAGER})),
    MenuItem(
        _("Loans"),
        "loans:list",
        frozenset({Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER, Role.FINANCE_CLERK}),
    ),
    MenuItem(_("Payments"), "banking:queue", frozenset({Role.FINANCE_CLERK})),
    MenuItem(_("Servicing"), "servicing:queues", frozenset({Role.FINANCE_CLERK})),
    MenuItem(
        _("Fund"), "loans:fund", frozenset({Role.FINANCE_CLERK, Role.MANAGER, Role.PROJECT_LEADER})
    ),
    MenuItem(
        _("Reports"),
        "reports:index",
        frozenset({Role.MANAGER, Role.EVALUATOR, Role.PROJECT_LEADER}),
    ),
    MenuItem(
        _("Outcomes"),
        "outcomes:funnel",
        frozenset({Role.MANAGER, Role.EVALUATOR, Role.PROJECT_LEADER}),
    ),
    MenuItem(_("Policy"), "policy:list", frozenset({Role.ADMINISTRATOR, Role.MANAGER})),
    MenuItem(
        _("Questionnaire"),
        "progression:questionnaires",
        frozenset({Role.ADMINISTRATOR, Role.MANAGER}),
    ),
    MenuItem(INSIGHT_MENU_LABEL, "privacy:insight", frozenset({Role.DATA_PROTECTION_OFFICER})),
    MenuItem(_("Audit log"), "audit:index", frozenset({Role.DATA_PROTECTION_OFFICER})),
    MenuItem(_("Retention"), "retention:overview", frozenset({Role.DATA_PROTECTION_OFFICER})),
]


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    if not user.is_authenticated:
        return items
    for item in MENU:
        if user.role not in item.roles and not (user.is_superuser and item.url_name == "web:home"):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # an app that has not built this page yet
        active = url == current_path if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
