"""``mikrolaan demo``: load a living demo programme into the configured database.

Each app may contribute with a module ``mikrolaan.<app>.demo`` holding ``populate(ctx)``;
they run in ``ORDER`` with one shared ``DemoContext`` (users, units, a seeded random).
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from mikrolaan.core.demo import DEMO_PASSWORD, DemoContext

ORDER = [
    "accounts",
    "courses",
    "cases",
    "budgets",
    "decisions",
    "loans",
    "banking",
    "servicing",
    "outcomes",
    "reports",
]


class Command(BaseCommand):
    help = "Load the demo programme (users for every role, cohorts, cases, loans)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has users."
        )
        parser.add_argument("--seed", type=int, default=2013)

    def handle(self, *args, if_empty, seed, **options):
        from mikrolaan.accounts.models import User

        if if_empty and User.objects.exists():
            self.stdout.write("The database already has data; the demo was not loaded.")
        else:
            with transaction.atomic():
                ctx = DemoContext(seed=seed)
                for app in ORDER:
                    try:
                        module = importlib.import_module(f"mikrolaan.{app}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"mikrolaan.{app}.demo":
                            raise
                        continue
                    module.populate(ctx)
            self.stdout.write(self.style.SUCCESS("Demo programme loaded."))
        self.print_logins()

    def print_logins(self):
        from mikrolaan.accounts.models import User

        self.stdout.write("")
        self.stdout.write(f"Log in with one of these users (password: {DEMO_PASSWORD}):")
        for user in User.objects.filter(username__startswith="demo-").order_by("role", "username"):
            self.stdout.write(
                f"  {user.username:<32} {user.get_role_display()}"
                f"{' · ' + str(user.unit) if user.unit else ''}"
            )
