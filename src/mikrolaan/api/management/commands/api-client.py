"""``mikrolaan api-client create NAME --scope S … [--unit CODE]``, ``list``, ``deactivate ID``:
register the systems that may call the API. The secret is printed once and stored hashed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.accounts.models import Unit
from mikrolaan.api import scopes
from mikrolaan.api.clients import create_client, deactivate_client
from mikrolaan.api.models import ApiClient


class Command(BaseCommand):
    help = gettext_lazy(
        "Register a system that may call the API, list the systems, or shut one out."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
        create = sub.add_parser("create", help=_("register a system; prints its secret once"))
        create.add_argument("name", metavar=_("NAME"), help=_("The system's name."))
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=scopes.ALL,
            metavar=_("SCOPE"),
            help=_("A scope the system may use (repeat the option for more)."),
        )
        create.add_argument(
            "--unit",
            metavar=_("UNIT"),
            help=_("Code of the job-centre unit whose cases the system sees and refers to."),
        )
        sub.add_parser("list", help=_("the registered systems"))
        deactivate = sub.add_parser("deactivate", help=_("shut a system out for good"))
        deactivate.add_argument("client_id", metavar=_("CLIENT_ID"), help=_("The system's id."))

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name, scope, unit, **options):
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(_("No unit with the code %(code)s.") % {"code": unit})
        try:
            registered = create_client(name, scopes=scope, unit=unit_obj)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        client = registered.client
        self.stdout.write(_("Registered %(name)s.") % {"name": client.name})
        self.stdout.write(f"client_id:     {client.client_id}")
        self.stdout.write(f"client_secret: {registered.secret}")
        self.stdout.write(f"scope:         {' '.join(client.scopes)}")
        self.stdout.write(
            _("The secret is shown only now; give it to the system's operators safely.")
        )

    def _list(self, **options):
        for client in ApiClient.objects.select_related("user__unit"):
            state = _("active") if client.active else _("shut out")
            unit = client.user.unit.code if client.user.unit else "-"
            self.stdout.write(
                f"{client.client_id}\t{client.name}\t{unit}\t{' '.join(client.scopes)}\t{state}"
            )

    def _deactivate(self, *, client_id, **options):
        client = ApiClient.objects.filter(client_id=client_id).first()
        if client is None:
            raise CommandError(_("No system with the id %(id)s.") % {"id": client_id})
        deactivate_client(client)
        self.stdout.write(_("%(name)s can no longer call the API.") % {"name": client.name})
