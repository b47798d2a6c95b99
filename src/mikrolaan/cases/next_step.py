"""What happens next in a case: the one place that knows the programme's steps in order.

    step = next_step(case, user)

returns ``None`` for a closed case, or a dict:

- ``what``: the next step in words;
- ``roles``: the role values that do it, and ``who``: those roles in words;
- ``due``: the date it should be done by (where the programme has one), ``due_rule`` why;
- ``note``: what is already done towards it (e.g. one approval of two), or ``None``;
- ``action``: ``{"label", "url", "method"}`` when this user can do it now, else ``None``;
- ``key``: a stable name for the step (tests and ``data-testid``).

The action is decided by the same domain predicates the case page's registered actions use
(``cases.page.actions_for``); this module only picks the step that comes next. The screenings'
steps are here; the later stages' come from the apps that do them (``register_step``:
``decisions.next_step`` for the pre-course and the decision, ``loans.next_step`` after the
grant). The case page, the loan page and the start page render it through
``cases/_next_step.html``.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import SCREENING_STEPS, EventKind, Stage

F = TypeVar("F", bound=Callable[..., Any])

PL = Role.PROJECT_LEADER.value
BC = Role.BENEFITS_CASEWORKER.value
FC = Role.FINANCE_CLERK.value
KP = Role.KNOWLEDGE_PERSON.value


def who(roles: Iterable[str]) -> str:
    """The roles in words: "project leader or benefits caseworker"."""
    labels = [str(Role(r).label).lower() for r in roles]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def make_step(
    key: str,
    what: str,
    roles: Iterable[str],
    *,
    due: dt.date | None = None,
    due_rule: str | None = None,
    note: str | None = None,
    action: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "what": what,
        "roles": list(roles),
        "who": who(roles),
        "due": due,
        "due_rule": due_rule,
        "note": note,
        "action": action,
    }


def make_action(
    user: Any, allowed: bool, label: str, url: str, method: str = "get"
) -> dict[str, str] | None:
    if user is None or not allowed:
        return None
    return {"label": label, "url": url, "method": method}


# Each stage's step comes from the app that does it: the apps above this one register a
# provider ``step(case, user) -> dict | None`` for their stages (in their AppConfig.ready).
_PROVIDERS: dict[str, Callable] = {}


def register_step(*stages: str) -> Callable[[F], F]:
    """Make the decorated ``step(case, user)`` the next step of a case in these stages."""

    def decorator(func: F) -> F:
        for stage in stages:
            _PROVIDERS[stage] = func
        return func

    return decorator


def next_step(case: Any, user: Any = None) -> dict[str, Any] | None:
    """The next step of this case, and the action if ``user`` can take it now."""
    if not case.is_open:
        return None
    provider = _PROVIDERS.get(case.stage)
    return provider(case, user) if provider else None


@register_step(Stage.REFERRED, Stage.FIRST_SCREENING, Stage.FIRST_CONVERSATION)
def _screening_step(case, user):
    from mikrolaan.cases.services import may_screen, next_screening

    kind = next_screening(case)
    role = SCREENING_STEPS[kind][2]
    whats = {
        EventKind.FIRST_SCREENING: _("First screening"),
        EventKind.FIRST_CONVERSATION: _("First conversation"),
        EventKind.FINAL_SCREENING: _("Final screening"),
    }
    labels = {
        EventKind.FIRST_SCREENING: _("Record first screening"),
        EventKind.FIRST_CONVERSATION: _("Record first conversation"),
        EventKind.FINAL_SCREENING: _("Record final screening"),
    }
    return make_step(
        kind,
        whats[kind],
        [role],
        action=make_action(
            user,
            user is not None and may_screen(case, user, kind),
            labels[kind],
            reverse("cases:screening", args=[case.pk, kind]),
        ),
    )


def user_is(user: Any, *roles: str) -> bool:
    return user is not None and user.has_role(*roles)


@register_step(Stage.FINAL_SCREENING)
def _after_final_screening(case, user):
    from mikrolaan.cases.services import final_screening_recommends

    if final_screening_recommends(case):
        return make_step(
            "assign",
            _("Assign the citizen to a cohort; the pre-course begins"),
            [PL],
            action=make_action(
                user,
                user_is(user, PL),
                _("Assign to a cohort"),
                reverse("courses:assign", args=[case.pk]),
            ),
        )
    return make_step(
        "not-recommended",
        _("The final screening did not recommend a pre-course: record where the citizen goes"),
        [PL],
        action=make_action(
            user, user_is(user, PL), _("Record dropout"), reverse("cases:dropout", args=[case.pk])
        ),
    )


def main_course_start(case: Any) -> dt.date | None:
    return case.cohort.main_course_start if case.cohort_id else None
