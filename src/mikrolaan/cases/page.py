"""What the case page shows, contributed by each app.

The case page (``cases`` app) renders the timeline and then the sections other apps register:

    from mikrolaan.cases.page import register_section

    @register_section(order=40)
    def budgets_section(case, user):
        return {"template": "budgets/case_section.html", "context": {...}}  # or None

and the actions (buttons/links) they offer for the case in its current stage:

    @register_action(order=40)
    def budget_actions(case, user):
        return [{"label": _("New budget"), "url": reverse(...)}]

Section and action functions must decide visibility by role and stage themselves, through the
domain functions of their app (no rule in a template).
"""

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_SECTIONS: list[tuple[int, Callable]] = []
_ACTIONS: list[tuple[int, Callable]] = []
_CONTEXT: dict[str, Callable] = {}


def register_context(name: str) -> Callable[[F], F]:
    """``func(case, user)`` gives the case page's template variable ``name`` (e.g. the loans
    app's ``loans``: the case's loans this user may see)."""

    def decorator(func: F) -> F:
        _CONTEXT[name] = func
        return func

    return decorator


def context_for(case, user) -> dict:
    return {name: func(case, user) for name, func in _CONTEXT.items()}


def register_section(order: int) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        _SECTIONS.append((order, func))
        _SECTIONS.sort(key=lambda pair: pair[0])
        return func

    return decorator


def register_action(order: int) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        _ACTIONS.append((order, func))
        _ACTIONS.sort(key=lambda pair: pair[0])
        return func

    return decorator


def sections_for(case, user) -> list[dict]:
    return [s for _order, func in _SECTIONS if (s := func(case, user))]


def actions_for(case, user) -> list[dict]:
    return [a for _order, func in _ACTIONS for a in (func(case, user) or [])]


# --- the timeline ----------------------------------------------------------------------------
# Apps name their event kinds and may show an event's typed record as (label, value) lines:
#
#     register_event_kind("decision", _("Budget decision"))
#
#     @register_event_details("decision")
#     def decision_details(event):
#         return [(_("Decision"), event.decision.get_colour_display()), ...]

_EVENT_LABELS: dict[str, str] = {}
_EVENT_DETAILS: dict[str, Callable] = {}


def register_event_kind(kind: str, label) -> None:
    _EVENT_LABELS[kind] = label


def register_event_details(kind: str) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        _EVENT_DETAILS[kind] = func
        return func

    return decorator


def event_label(kind: str) -> str:
    if kind in _EVENT_LABELS:
        return str(_EVENT_LABELS[kind])
    return kind.replace("_", " ").capitalize()  # an app that has not named its kind yet


def event_details(event) -> list[tuple[str, str]]:
    func = _EVENT_DETAILS.get(event.kind)
    return list(func(event) or []) if func else []


# An event's one-line summary is rendered when the page is shown, in the reader's language,
# from the event's kind and data (apps register how); without a renderer (or for an old row
# whose data lacks what the renderer needs) the stored text is shown, its amounts reformatted.
_EVENT_SUMMARIES: dict[str, Callable] = {}


def register_event_summary(kind: str) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        _EVENT_SUMMARIES[kind] = func
        return func

    return decorator


def event_summary(event) -> str:
    from django.core.exceptions import ObjectDoesNotExist

    from mikrolaan.core.stored_texts import readable

    func = _EVENT_SUMMARIES.get(event.kind)
    if func is not None:
        try:
            text = func(event)
        except (KeyError, TypeError, ValueError, AttributeError, ObjectDoesNotExist):
            text = None
        if text:
            return str(text)
    return readable(event.summary)
