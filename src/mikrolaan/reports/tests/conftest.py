import pytest

from mikrolaan.interchange.services import import_bundle
from mikrolaan.interchange.tests.review_bundle import FIXTURE

REVIEW_COHORTS = "M3,M4,M5,M6"


@pytest.fixture
def review_data(db):
    """The review-consistent bundle, imported (cohorts M3–M7, 34 borrowers in M3–M6)."""
    import_bundle(FIXTURE)
    return FIXTURE
