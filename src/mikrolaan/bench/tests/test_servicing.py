import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_servicing_benchmark_on_a_small_portfolio(capsys):
    call_command("bench", "servicing", "--loans", "60", "--as-of", "2026-11-26", "--render", "1")
    out = capsys.readouterr().out
    assert "first run (every cycle opens), 2026-11-26: 60 loans" in out
    assert "same date again, 2026-11-26: 60 loans" in out and ", 0 reminders," in out
    assert "ms per letter" in out
