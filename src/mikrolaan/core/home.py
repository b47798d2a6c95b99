"""The start page's panels: what each role's start page lists (the user's cases, what is due).

Apps contribute panels by registering a function ``panel(user) -> dict | None`` with
``register_panel``; a panel is a heading, rows and an optional link, rendered by
``web/home.html``. Each panel function does its own scoping through ``for_user``. A row that
names a citizen says which (``"citizen": pk``), so the start page can record whom it showed.
"""

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_PANELS: list[tuple[int, Callable]] = []


def register_panel(order: int) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda pair: pair[0])
        return func

    return decorator


def panels_for(user) -> list[dict]:
    result = []
    for _order, func in _PANELS:
        panel = func(user)
        if panel:
            result.append(panel)
    return result


def citizens_shown(panels: list[dict]) -> list[int]:
    shown = [row["citizen"] for panel in panels for row in panel["rows"] if row.get("citizen")]
    return shown + [s["citizen"] for panel in panels for s in panel.get("steps", [])]
