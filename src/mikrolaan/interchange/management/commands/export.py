"""``mikrolaan export PATH``: write everything as an interchange bundle.

``mikrolaan export --pseudonymised PATH --key-file F`` writes the research bundle instead (no
CPR, no names; see ``mikrolaan.outcomes.research_export``).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mikrolaan.interchange.services import export_bundle


class Command(BaseCommand):
    help = (
        "Export the programme's data as an interchange bundle (a folder, or PATH.zip); with "
        "--pseudonymised, the research bundle for evaluators."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder, or a file name ending in .zip")
        parser.add_argument(
            "--pseudonymised",
            action="store_true",
            help="no CPR numbers and no names; pseudonyms from --key-file; small counts "
            "suppressed in the aggregate tables",
        )
        parser.add_argument("--key-file", help="with --pseudonymised: the export key's file")
        parser.add_argument(
            "--min-count",
            type=int,
            default=None,
            help="with --pseudonymised (default: MIKROLAAN_SUPPRESSION_THRESHOLD)",
        )
        parser.add_argument("--as-of", help="with --pseudonymised: date of the aggregates")

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
