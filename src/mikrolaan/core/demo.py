"""Shared state for the demo loaders in ``mikrolaan.<app>.demo``."""

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.utils import timezone

_UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to mistake for 1, l, 0 or o


def new_demo_password() -> str:
    """A random password per installation, e.g. ``k7mq-x2pa-9hdt-bw4e``; shown on screen."""
    return "-".join("".join(secrets.choice(_UNAMBIGUOUS) for _ in range(4)) for _ in range(4))


@dataclass
class DemoContext:
    seed: int = 2013
    today: dt.date = field(default_factory=timezone.localdate)
    rng: random.Random = field(init=False)
    units: dict = field(default_factory=dict)  # code -> Unit
    users: dict = field(default_factory=dict)  # username -> User
    data: dict = field(default_factory=dict)  # free for apps to pass things on
    # The demo users' password, new for every installation (never the random seed's).
    password: str = field(default_factory=new_demo_password)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def user(self, role: str, unit_code: str | None = None):
        for user in self.users.values():
            if user.role == role and (
                unit_code is None or (user.unit and user.unit.code == unit_code)
            ):
                return user
        raise LookupError(f"no demo user with role {role} in unit {unit_code}")
