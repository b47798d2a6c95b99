"""``mikrolaan assessment_reminders [--date D]``: a reminder letter for each measuring point
that falls due and has none yet (the daily servicing run does the same; safe to repeat)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.progression.reminders import remind_due_assessments


class Command(BaseCommand):
    help = gettext_lazy(
        "Send a reminder letter for each self-assessment that falls due (one per point)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar=_("DATE"), help=_("date YYYY-MM-DD (default: today)"))

    def handle(self, *args, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                _("--date: %(value)r is not a date (YYYY-MM-DD)") % {"value": date}
            ) from exc
        count = remind_due_assessments(day)
        self.stdout.write(_("%(n)s self-assessment reminders sent") % {"n": count})
