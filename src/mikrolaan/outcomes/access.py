"""Who may do what with outcomes. Views and panels ask here, never in a template."""

from django.utils.translation import gettext_lazy

from mikrolaan.accounts.roles import Role

RECORDERS = frozenset({Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER, Role.JOB_CONSULTANT})
# Aggregate pages (funnel, economic gain): no names, no case data.
AGGREGATE_READERS = frozenset({Role.PROJECT_LEADER, Role.MANAGER, Role.EVALUATOR})


def may_record_spells(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*RECORDERS))


def may_read_aggregates(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*AGGREGATE_READERS))


# The menu entry (web/navigation.py) uses this msgid; its Danish lives in this app's catalogue.
MENU_LABEL = gettext_lazy("Outcomes")
