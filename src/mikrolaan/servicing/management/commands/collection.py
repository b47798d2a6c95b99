"""``mikrolaan collection import-receipts FILE`` and ``import-payments FILE``: what
Gældsstyrelsen reports back on claims handed over (docs/debt-collection.md). Importing the
same file twice changes nothing; a bad line refuses the whole file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.servicing import handover


class Command(BaseCommand):
    help = gettext_lazy("Receipts and payments from Gældsstyrelsen (debt collection).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in (
            ("import-receipts", _("Receipts, columns `claim_ref,status,date,message`")),
            ("import-payments", _("Collector payments, columns `claim_ref,reference,date,amount`")),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("file", metavar=_("FILE"), help=_("CSV file"))

    def handle(self, *args: Any, subcommand: str, file: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        func = (
            handover.import_receipts
            if subcommand == "import-receipts"
            else handover.import_payments
        )
        try:
            result = func(path.read_text(encoding="utf-8"))
        except handover.HandoverError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        self.stdout.write(
            _("%(added)s added, %(already)s already imported")
            % {"added": result.added, "already": result.already}
        )
