"""A manager opens the report for 31/12/2016 and sees the review's totals."""

import re

import pytest

from mikrolaan.interchange.services import import_bundle
from mikrolaan.interchange.tests.review_bundle import FIXTURE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_manager_sees_the_reviews_totals(page, login, manager):
    import_bundle(FIXTURE)
    login(manager)
    # The menu holds the link (DKFDS may fold it under "Mere" on a narrow window).
    assert page.locator("nav a[href='/reports/']").count() >= 1
    page.goto("/reports/")
    page.fill("#id_as_of", "2016-12-31")
    for code in ("M3", "M4", "M5", "M6"):
        page.locator("fieldset label", has_text=re.compile(f"^{code}$")).click()
    page.get_by_role("button", name="Vis").click()

    assert page.get_by_test_id("total-borrowers").inner_text() == "34"
    assert page.get_by_test_id("total-self-supporting").inner_text() == "21"
    assert page.get_by_test_id("total-days").inner_text() == "7.880"
    assert page.get_by_test_id("total-original").inner_text() == "763.800 kr."
    assert page.get_by_test_id("total-current").inner_text() == "555.097 kr."
    assert page.get_by_test_id("total-repaid-pct").inner_text() == "27 %"
    table_8 = page.get_by_test_id("table-8")
    assert "Tilbagebetalingsgrad" in table_8.inner_text()
    assert page.locator("svg").count() == 3
    for code in ("M3", "M4", "M5", "M6"):
        assert page.get_by_label(code, exact=True).is_checked()
