"""``mikrolaan loans show LOAN_REF [--as-of D] [--format json|text]``."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.core.formatting import money, months, number, short_date
from mikrolaan.loans.models import Loan, LoanStatus
from mikrolaan.loans.summary import loan_json


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--as-of: %(value)r is not a date (YYYY-MM-DD)") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = gettext_lazy("Show a loan: terms, plan, transactions, balance, arrears, status.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        show = sub.add_parser("show", help=_("One loan on a date."))
        show.add_argument(
            "loan_ref",
            metavar=_("LOAN"),
            help=_("Loan number (e.g. ML-2013-00001) or payment ID."),
        )
        show.add_argument("--as-of", metavar=_("DATE"), help=_("Date YYYY-MM-DD (default: today)."))
        show.add_argument(
            "--format", choices=["json", "text"], default="text", help=_("Output format.")
        )

    def handle(
        self,
        *args: Any,
        subcommand: str,
        loan_ref: str,
        as_of: str | None,
        format: str,
        **options: Any,
    ) -> None:
        day = parse_date(as_of) if as_of else timezone.localdate()
        loan = (
            Loan.objects.filter(loan_ref=loan_ref).first()
            or Loan.objects.filter(payment_id=loan_ref).first()
        )
        if loan is None:
            raise CommandError(_("No loan with number or payment ID %(ref)r.") % {"ref": loan_ref})
        data = loan_json(loan, day)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        t, a = data["terms"], data["arrears"] or {}
        status = LoanStatus(data["status"]).label if data["status"] in LoanStatus else ""
        self.stdout.write(f"{data['loan_ref']}  {data['citizen']['name']}  ({status})")
        self.stdout.write(
            "  "
            + _(
                "principal %(principal)s, %(months)s, first due %(first)s, "
                "payment ID +71<%(payment_id)s"
            )
            % {
                "principal": money(t["principal"]),
                "months": months(t["term_months"]),
                "first": short_date(t["repayment_start"]),
                "payment_id": t["payment_id"],
            }
        )
        self.stdout.write(
            "  "
            + _("balance on %(date)s: %(balance)s")
            % {"date": short_date(data["as_of"]), "balance": money(data["balance"])}
        )
        if a:
            self.stdout.write(
                "  "
                + _(
                    "due to date %(due)s, paid %(paid)s, arrears %(arrears)s "
                    "(%(days)s days past due)"
                )
                % {
                    "due": money(a["due_to_date"]),
                    "paid": money(a["paid_to_date"]),
                    "arrears": money(a["arrears"]),
                    "days": number(a["days_past_due"]),
                }
            )
