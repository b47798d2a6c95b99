import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mikrolaan.people import cpr
from mikrolaan.people.services import derived_from_cpr


def test_accepts_a_number_that_fails_modulus_11():
    # 140375-1002: a real date; 1+4+0+3+7+5+1+0+0+2 weighted does not give 0 mod 11.
    assert cpr.validate("140375-1002") == "1403751002"


@pytest.mark.parametrize("value", ["310275-1234", "300275-1234", "001075-1234", "011375-1234"])
def test_refuses_dates_that_do_not_exist(value):
    with pytest.raises(ValidationError) as err:
        cpr.validate(value)
    assert err.value.code == "date"
    assert "findes ikke" in str(err.value)  # the Danish message names the problem


@pytest.mark.parametrize("value", ["14037510", "14037510021", "14037a1002"])
def test_refuses_wrong_length_or_characters(value):
    with pytest.raises(ValidationError):
        cpr.validate(value)


def test_century_follows_the_seventh_digit():
    assert cpr.birth_date("0101654321") == dt.date(1965, 1, 1)  # 4 and year >= 37: 1900s
    assert cpr.birth_date("0101104321") == dt.date(2010, 1, 1)  # 4 and year <= 36: 2000s
    assert cpr.birth_date("0101601234") == dt.date(1960, 1, 1)


def test_birth_date_and_gender_are_derived():
    derived = derived_from_cpr("1403751003")
    assert derived["birth_date"] == dt.date(1975, 3, 14)
    assert derived["birth_year"] == 1975
    assert derived["gender"] == "M"
    assert derived_from_cpr("1403751002")["gender"] == "F"
