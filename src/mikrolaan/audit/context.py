"""Where the current piece of work comes from: a web request, an API call, a shell command or
the system.

The web middleware and the ``mikrolaan`` console command set it once; every audit record
written while it is set carries the channel, the client's IP address, or the operating-system
user and the command line, without each view or command passing them along.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import asdict, dataclass


class Channel:
    WEB = "web"
    SHELL = "shell"
    SYSTEM = "system"
    API = "api"  # a calling system through /api/; the record's user is that system's account


@dataclass(frozen=True)
class Origin:
    channel: str = Channel.SYSTEM
    client_ip: str | None = None
    os_user: str = ""
    command: str = ""

    def fields(self) -> dict:
        """The audit record's columns for this origin."""
        return asdict(self)


_SYSTEM = Origin()
_current: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "audit_origin", default=None
)


def current() -> Origin:
    return _current.get() or _SYSTEM


@contextlib.contextmanager
def origin(value: Origin):
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)
