"""``mikrolaan export PATH``: write everything as an interchange bundle.

``mikrolaan export --pseudonymised PATH --key-file F`` writes the research bundle instead (no
CPR, no names; see ``mikrolaan.outcomes.research_export``).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.interchange.services import export_bundle


class Command(BaseCommand):
    help = gettext_lazy(
        "Export the programme's data as an interchange bundle (a folder, or PATH.zip); with "
        "--pseudonymised, the research bundle for evaluators."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar=_("PATH"), help=_("a folder, or a file name ending in .zip")
        )
        parser.add_argument(
            "--pseudonymised",
            action="store_true",
            help=_(
                "no CPR numbers and no names; pseudonyms from --key-file; small counts "
                "suppressed in the aggregate tables"
            ),
        )
        parser.add_argument(
            "--key-file",
            metavar=_("FILE"),
            help=_("with --pseudonymised: the export key's file"),
        )
        parser.add_argument(
            "--min-count",
            type=int,
            default=None,
            metavar=_("NUMBER"),
            help=_(
                "with --pseudonymised: smallest count shown (default: the setting "
                "MIKROLAAN_SUPPRESSION_THRESHOLD)"
            ),
        )
        parser.add_argument(
            "--as-of",
            metavar=_("DATE"),
            help=_("with --pseudonymised: date of the aggregates"),
        )

    def handle(self, *args, path, pseudonymised, key_file, min_count, as_of, **options):
        if pseudonymised:
            if not key_file:
                raise CommandError(
                    "--pseudonymised needs --key-file: the key that keeps pseudonyms stable "
                    "between exports (a new key makes them unlinkable)"
                )
            kwargs = {"key_file": key_file}
            if min_count is not None:
                kwargs["min_count"] = min_count
            if as_of:
                kwargs["as_of"] = as_of
            call_command("research_export", path, stdout=self.stdout, **kwargs)
            return
        counts = export_bundle(path)
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        self.stdout.write(
            _("Bundle written to %(path)s (%(summary)s).") % {"path": path, "summary": summary}
        )
