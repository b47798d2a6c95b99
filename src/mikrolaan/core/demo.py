"""Shared state for the demo loaders in ``mikrolaan.<app>.demo``."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

DEMO_PASSWORD = "mikrolaan-demo"  # noqa: S105 - printed on screen for the demo on purpose


@dataclass
class DemoContext:
    seed: int = 2013
    today: dt.date = field(default_factory=timezone.localdate)
    rng: random.Random = field(init=False)
    units: dict = field(default_factory=dict)  # code -> Unit
    users: dict = field(default_factory=dict)  # username -> User
    data: dict = field(default_factory=dict)  # free for apps to pass things on

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def user(self, role: str, unit_code: str | None = None):
        for user in self.users.values():
            if user.role == role and (
                unit_code is None or (user.unit and user.unit.code == unit_code)
            ):
                return user
        raise LookupError(f"no demo user with role {role} in unit {unit_code}")
