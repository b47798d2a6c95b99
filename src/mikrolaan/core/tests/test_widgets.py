"""The shared date widget: the browser's date picker, an ISO value in any language."""

import datetime as dt

from django.utils import translation

from mikrolaan.core.widgets import DateInput


def test_a_date_renders_as_an_iso_date_picker_with_the_design_systems_class_in_danish():
    with translation.override("da"):
        html = DateInput().render("paid_on", dt.date(2026, 3, 4))
    assert 'type="date"' in html
    assert 'value="2026-03-04"' in html
    assert 'class="form-input"' in html


def test_a_page_may_add_attributes_without_losing_the_class():
    html = DateInput(attrs={"max": "2026-12-01"}).render("on", None)
    assert 'max="2026-12-01"' in html and 'class="form-input"' in html
