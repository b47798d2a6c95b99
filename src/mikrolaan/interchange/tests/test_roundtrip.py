"""Export → import into an empty database gives the same report."""

import datetime as dt

import pytest
from django.db import transaction

from mikrolaan.interchange.services import export_bundle, import_bundle
from mikrolaan.people.models import Citizen
from mikrolaan.reports.services import build_report

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("target", ["folder", "bundle.zip"])
def test_export_then_import_into_an_empty_database_gives_the_same_report(
    review_bundle, tmp_path, target
):
    out = tmp_path / target
    days = [dt.date(2016, 12, 31), dt.date(2015, 6, 30), dt.date(2018, 1, 1)]
    try:
        with transaction.atomic():
            import_bundle(review_bundle)
            before = [build_report(day) for day in days]
            export_bundle(out)
            raise _Rollback  # leave the database empty again
    except _Rollback:
        pass
    assert Citizen.objects.count() == 0

    import_bundle(out)

    assert [build_report(day) for day in days] == before
    # And exporting again gives the same bundle, so importing it changes nothing.
    assert not import_bundle(out).changed


def test_export_writes_every_file_with_its_header(review_bundle, tmp_path):
    import_bundle(review_bundle)
    counts = export_bundle(tmp_path / "x")
    assert counts["people.csv"] == 47 and counts["loans.csv"] == 41
    header = (tmp_path / "x" / "loans.csv").read_text().splitlines()[0]
    assert header == (
        "loan_ref,person_ref,cohort_code,principal,disbursed_on,repayment_start,term_months,"
        "deferral_months,collection_transferred_on"
    )
