"""``mikrolaan set_role USERNAME ROLE [--unit CODE] --why TEXT``: give a user a role from the
server, e.g. the first administrator made by ``createsuperuser``. The system is the acting
user; the change goes through ``change_role`` and its audit record like any other."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.services import change_role


class Command(BaseCommand):
    help = gettext_lazy(
        "Give a user a role (and unit) from the server, with a reason for the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar=_("USERNAME"))
        parser.add_argument("role", choices=Role.values, help=_("The role to give."))
        parser.add_argument("--unit", metavar=_("UNIT"), help=_("Code of the job-centre unit."))
        parser.add_argument(
            "--why",
            required=True,
            metavar=_("REASON"),
            help=_("Reason, recorded in the audit log."),
        )

    def handle(self, *args, username, role, unit, why, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("No user named %(name)s.") % {"name": username}) from None
        unit_obj = None
        if unit:
            try:
                unit_obj = Unit.objects.get(code=unit)
            except Unit.DoesNotExist:
                raise CommandError(_("No unit with the code %(code)s.") % {"code": unit}) from None
        if not why.strip():
            raise CommandError(_("Give a reason for the change."))
        changed = change_role(user, role=role, unit=unit_obj, acting_user=None, why=why.strip())
        if changed:
            self.stdout.write(
                _("%(user)s now has the role %(role)s.")
                % {"user": user.username, "role": Role(role).label}
            )
        else:
            self.stdout.write(_("Role and unit were already as chosen."))
