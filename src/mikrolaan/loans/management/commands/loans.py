"""``mikrolaan loans show LOAN_REF [--as-of D] [--format json|text]``."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mikrolaan.loans.models import Loan
from mikrolaan.loans.summary import loan_json


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Show a loan: terms, plan, transactions, balance, arrears, status."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        show = sub.add_parser("show", help="One loan on a date.")
        show.add_argument("loan_ref", help="Loan number (e.g. ML-2013-00001) or payment ID.")
        show.add_argument("--as-of", default=None, help="Date YYYY-MM-DD (default: today).")
        show.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, subcommand, loan_ref, as_of, format, **options):
        as_of = parse_date(as_of) if as_of else timezone.localdate()
        loan = (
            Loan.objects.filter(loan_ref=loan_ref).first()
            or Loan.objects.filter(payment_id=loan_ref).first()
        )
        if loan is None:
            raise CommandError(f"no loan with number or payment ID {loan_ref!r}")
        data = loan_json(loan, as_of)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        t, a = data["terms"], data["arrears"] or {}
        self.stdout.write(f"{data['loan_ref']}  {data['citizen']['name']}  ({data['status']})")
        self.stdout.write(
            f"  principal {t['principal']} kr., {t['term_months']} months, "
            f"first due {t['repayment_start']}, payment ID +71<{t['payment_id']}"
        )
        self.stdout.write(f"  balance on {data['as_of']}: {data['balance']} kr.")
        if a:
            self.stdout.write(
                f"  due to date {a['due_to_date']}, paid {a['paid_to_date']}, "
                f"arrears {a['arrears']} ({a['days_past_due']} days past due)"
            )
