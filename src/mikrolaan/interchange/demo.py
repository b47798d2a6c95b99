"""Demo: the review's programme (cohorts M3–M7, 2013–2017) so the report has history to show.

It is the review-consistent test bundle, imported through the real importer; the report for
31/12/2016 and cohorts M3–M6 then shows the review's own Tables 1–8.
"""

from pathlib import Path

import mikrolaan.interchange
from mikrolaan.courses.models import Cohort
from mikrolaan.interchange.services import BundleError, import_bundle

REVIEW_BUNDLE = Path(mikrolaan.interchange.__file__).parent / "tests/fixtures/review_bundle"


def populate(ctx) -> None:
    if Cohort.objects.filter(code__in=["M3", "M4", "M5", "M6", "M7"]).exists():
        return  # another loader already uses these codes; do not merge into its cohorts
    try:
        import_bundle(REVIEW_BUNDLE)
    except BundleError as exc:  # demo data of other apps collide: leave the history out
        ctx.data["interchange_demo_skipped"] = [str(p) for p in exc.problems]
