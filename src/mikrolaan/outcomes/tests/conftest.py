import datetime as dt

import pytest

from mikrolaan.outcomes.tests import factories as f


@pytest.fixture
def a_case(unit):
    return f.case(unit, opened_on=dt.date(2025, 1, 6))
