"""``mikrolaan import PATH``: import an interchange bundle (docs/INTERCHANGE.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mikrolaan.interchange.services import BundleError, import_bundle


class Command(BaseCommand):
    help = gettext_lazy("Import an interchange bundle (a folder or a .zip); all of it or nothing.")

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar=_("PATH"), help=_("folder or .zip holding the bundle's CSV files")
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help=_("show a progress bar even when stderr is not a terminal"),
        )

    def handle(self, *args, path, progress, **options):
        show = progress or sys.stderr.isatty()
        try:
            result = import_bundle(path, progress=show)
        except BundleError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                ngettext(
                    "The bundle was not imported: %(n)d error. Nothing was changed.",
                    "The bundle was not imported: %(n)d errors. Nothing was changed.",
                    len(exc.problems),
                )
                % {"n": len(exc.problems)}
            ) from None
        if not result.changed:
            self.stdout.write(_("Nothing changed: everything in the bundle is already there."))
            return
        labels = {
            "cohorts": _("cohorts"),
            "people": _("people"),
            "units": _("units"),
            "support categories": _("support categories"),
            "cases": _("cases"),
            "participations": _("participations"),
            "loans": _("loans"),
            "payments": _("payments"),
            "support spells": _("support spells"),
            "assessments": _("self-assessments"),
            "case events": _("case events"),
        }
        parts = []
        for key, label in labels.items():
            created, updated = result.created[key], result.updated[key]
            if created or updated:
                parts.append(
                    _("%(label)s: %(created)d new, %(updated)d updated")
                    % {"label": label, "created": created, "updated": updated}
                )
        self.stdout.write(_("Imported.") + " " + "; ".join(parts))
