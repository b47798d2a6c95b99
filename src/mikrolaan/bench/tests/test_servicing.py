import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_servicing_benchmark_on_a_small_portfolio(capsys):
    call_command("bench", "servicing", "--loans", "60", "--as-of", "2026-11-26", "--render", "1")
    out = capsys.readouterr().out
    assert "første kørsel (alle forløb åbnes), 26.11.2026: 60 lån" in out
    assert "samme dato igen, 26.11.2026: 60 lån" in out and ", 0 rykkere," in out
    assert "ms pr. brev" in out
    assert "loans" not in out and "reminders" not in out  # Danish throughout (issue 9)
