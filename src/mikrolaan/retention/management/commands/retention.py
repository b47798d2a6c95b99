"""``mikrolaan retention run --date D [--dry-run]`` — anonymise the case data that is due on
D and delete audit records past their retention (rules: docs/configuration.md,
``MIKROLAAN_RETENTION_*``). ``--dry-run`` lists what would go, per kind and per case, and
changes nothing. A second run on the same date does nothing.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.cases.models import Case
from mikrolaan.retention import services


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--date: not a date (YYYY-MM-DD): %(value)s") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = gettext_lazy("Retention: anonymise case data that is due and delete old audit records.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        r = sub.add_parser("run", help=_("Run retention for a date."))
        r.add_argument("--date", required=True, metavar=_("DATE"), help=_("Date YYYY-MM-DD."))
        r.add_argument(
            "--dry-run", action="store_true", help=_("List what would go; change nothing.")
        )

    def handle(self, *args, subcommand, date, dry_run, **options):
        day = parse_date(date)
        outcome = services.plan(day) if dry_run else services.run(day)
        out = self.stdout.write
        rules = outcome.rules
        out(
            _(
                "Retention %(date)s (case data %(case)s years, accounting %(acc)s years after "
                "the financial year, audit records %(audit)s years)"
            )
            % {
                "date": day.isoformat(),
                "case": rules.case_years,
                "acc": rules.accounting_years,
                "audit": rules.audit_years,
            }
        )
        if dry_run:
            out(_("Dry run: nothing was changed. This would go:"))
        else:
            out(_("Done (run %(id)s):") % {"id": outcome.run.pk})
        rows = outcome.labelled_counts()
        for label, count in rows:
            out(f"  {label}: {count}")
        if not rows:
            out("  " + _("Nothing is due."))
        if dry_run and outcome.citizens:
            out(_("Cases whose citizen would be anonymised:"))
            cases = Case.objects.filter(citizen_id__in=outcome.citizens).order_by("pk")
            for case in cases.select_related("citizen").iterator():
                out(f"  {_('case')} {case.pk}: {case.citizen} ({case.opened_on.isoformat()})")
