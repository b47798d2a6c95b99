"""``mikrolaan demo``: load a living demo programme into the configured database.

Each app may contribute with a module ``mikrolaan.<app>.demo`` holding ``populate(ctx)``;
they run in ``ORDER`` with one shared ``DemoContext`` (users, units, a seeded random).

The demo must never reach production: it refuses when ``MIKROLAAN_ENVIRONMENT=production``,
and on any database that holds something it did not make itself. Its users get a password
that is random per installation, printed at the end and again by ``mikrolaan demo logins``.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core.demo import DemoContext

ORDER = [
    "accounts",
    "courses",
    "budgets",
    "decisions",
    "loans",
    "banking",
    "servicing",
    "selfservice",
    "outcomes",
    "progression",
    "interchange",
]


def foreign_data() -> list[str]:
    """What the database holds that the demo did not make (empty: fine to load the demo).

    The rows the migrations seed (loan policy, support categories, the course catalogue …)
    do not count. Real data always shows in one of these tables: a user the demo did not
    make, or, without demo users, any unit, citizen, case or loan at all.
    """
    from mikrolaan.accounts.models import Unit, User
    from mikrolaan.cases.models import Case
    from mikrolaan.core.models import DemoLogin
    from mikrolaan.loans.models import Loan
    from mikrolaan.people.models import Citizen

    found = []
    if User.objects.filter(demo_login__isnull=True).exists():
        found.append(_("users the demo did not make"))
    if not DemoLogin.objects.exists():
        for model in (Unit, Citizen, Case, Loan):
            if model._base_manager.exists():
                found.append(str(model._meta.verbose_name_plural))
    return found


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo programme (users for every role, cohorts, cases, loans); "
        "'demo logins' prints the demo log-ins again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            nargs="?",
            choices=["load", "logins"],
            default="load",
            help=_("load (default) or logins"),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing if the database already holds data."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2013,
            metavar=_("NUMBER"),
            help=_("Seed of the generated data (default 2013)."),
        )

    def handle(self, *args, action, if_empty, seed, **options):
        from mikrolaan.core.models import DemoLogin

        if settings.MIKROLAAN_ENVIRONMENT == "production":
            raise CommandError(
                _("The demo is never loaded or shown in production (MIKROLAAN_ENVIRONMENT).")
            )
        if action == "logins":
            if not DemoLogin.objects.exists():
                raise CommandError(_("This database has no demo users."))
            self.print_logins()
            return
        found = foreign_data()
        if found:
            message = _(
                "The database holds data the demo did not make (%(what)s); "
                "the demo was not loaded and nothing was changed."
            ) % {"what": ", ".join(found)}
            if if_empty:
                self.stdout.write(message)
                if DemoLogin.objects.exists():
                    self.print_logins()
                return
            raise CommandError(message)
        if DemoLogin.objects.exists():
            self.stdout.write(_("The demo programme is already loaded."))
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
                # As the day's servicing run leaves them, over everything the demo made.
                from django.utils import timezone

                from mikrolaan.core import snapshots

                snapshots.refresh(timezone.localdate())
            self.stdout.write(self.style.SUCCESS(_("Demo programme loaded.")))
        self.print_logins()

    def print_logins(self):
        from mikrolaan.core.models import DemoLogin

        logins = DemoLogin.objects.select_related("user__unit").order_by(
            "user__role", "user__username"
        )
        self.stdout.write("")
        self.stdout.write(
            _("Log in with one of these users (password: %(password)s):")
            % {"password": logins[0].password}
        )
        for login in logins:
            user = login.user
            self.stdout.write(
                f"  {user.username:<32} {user.get_role_display()}"
                f"{' · ' + str(user.unit) if user.unit else ''}"
            )
        self.stdout.write(
            _(
                "The demo users need no second factor on this demo installation. Any other "
                "user whose work shows personal data sets up an authenticator app at the first "
                "log-in."
            )
        )
