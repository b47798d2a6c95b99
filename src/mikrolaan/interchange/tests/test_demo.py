import datetime as dt

import pytest

from mikrolaan.core.demo import DemoContext
from mikrolaan.interchange import demo
from mikrolaan.reports.services import build_report

pytestmark = pytest.mark.django_db


def test_demo_loads_the_reviews_history():
    demo.populate(DemoContext())
    report = build_report(dt.date(2016, 12, 31), ["M3", "M4", "M5", "M6"])
    assert report["totals"]["current_debt"] == "555097.00"
    demo.populate(DemoContext())  # a second run changes nothing
    assert build_report(dt.date(2016, 12, 31), ["M3", "M4", "M5", "M6"]) == report
