import pytest
from django.core.management import call_command
from django.db import connection

# Transactional: the command runs as ``mikrolaan bench`` does, outside any transaction (the
# generator's temporary tables live for its transaction; the timed runs VACUUM between days).
pytestmark = pytest.mark.django_db(transaction=True)


def _vacuums(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pg_stat_get_vacuum_count(%s::regclass)", [table])
        return cursor.fetchone()[0]


def test_the_servicing_benchmark_on_a_small_portfolio(capsys):
    postgres = connection.vendor == "postgresql"
    before = _vacuums("loans_loan") if postgres else 0
    call_command("bench", "servicing", "--loans", "60", "--as-of", "2026-11-26", "--render", "1")
    out = capsys.readouterr().out
    assert "første kørsel (alle forløb åbnes), 26.11.2026: 60 lån" in out
    assert "samme dato igen, 26.11.2026: 60 lån" in out and ", 0 rykkere," in out
    assert "ms pr. brev" in out
    assert "loans" not in out and "reminders" not in out  # Danish throughout (issue 9)
    if postgres:  # the portfolio was settled before the timed runs (``portfolio.settle``)
        assert _vacuums("loans_loan") > before
