"""``core.bulk.insert_many``: COPY on PostgreSQL, ``bulk_create`` on SQLite; the same rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.banking.models import (
    BankEntry,
    CreditDebit,
    EntryHandling,
    Outcome,
    Statement,
    StatementFile,
)
from mikrolaan.core.bulk import build, insert_many, insert_rows, new_ids, update_rows
from mikrolaan.courses.models import Cohort

pytestmark = pytest.mark.django_db


def _file(digest: str) -> StatementFile:
    return StatementFile(file_name="a.xml", file_hash=digest, format="camt053")


def test_rows_are_written_with_their_ids_and_values_as_the_orm_reads_them():
    (file,) = insert_many(StatementFile, [_file("a" * 64)])
    created = timezone.now() - dt.timedelta(hours=3)
    (statement,) = insert_many(
        Statement,
        [
            Statement(
                file=file,
                account="DK50",
                statement_id="S-1",
                created_by_bank_at=created,
                period_to=dt.date(2026, 11, 30),
                closing_balance=Decimal("-12.50"),
            )
        ],
    )
    entries = insert_many(
        BankEntry,
        [
            BankEntry(
                statement=statement,
                position=n,
                location=f"Ntry[{n}]",
                identity=f"DK50/ref/{n}",
                booking_date=dt.date(2026, 11, n),
                amount=Decimal("50.00") * n,
                currency="DKK",
                credit_debit=CreditDebit.CREDIT,
                reversal=n == 2,
                text="æøå",
            )
            for n in (1, 2, 3)
        ],
    )
    handlings = insert_many(
        EntryHandling,
        [
            EntryHandling(
                entry=e, outcome=Outcome.QUEUED, reason="x", params={"loan_ref": f"L-{e.pk}"}
            )
            for e in entries
        ],
    )
    (record,) = insert_many(
        AuditRecord,
        [AuditRecord(action=Action.CREATE, what="w", client_ip="10.0.0.1", role="finance_clerk")],
    )

    assert all(e.pk and not e._state.adding for e in entries)
    assert len({e.pk for e in entries}) == 3
    read = Statement.objects.get(pk=statement.pk)
    assert (read.file_id, read.created_by_bank_at, read.closing_balance) == (
        file.pk,
        created,
        Decimal("-12.50"),
    )
    rows = {e.pk: e for e in BankEntry.objects.filter(statement=statement)}
    assert [(rows[e.pk].amount, rows[e.pk].reversal, rows[e.pk].text) for e in entries] == [
        (Decimal("50.00"), False, "æøå"),
        (Decimal("100.00"), True, "æøå"),
        (Decimal("150.00"), False, "æøå"),
    ]
    assert [EntryHandling.objects.get(pk=h.pk).params for h in handlings] == [
        {"loan_ref": f"L-{e.pk}"} for e in entries
    ]
    got = AuditRecord.objects.get(pk=record.pk)
    assert (got.client_ip, got.role, got.by_citizen) == ("10.0.0.1", "finance_clerk", False)
    # The sequence goes on after the rows: the ORM's next row gets a new id.
    assert StatementFile.objects.create(file_name="b", file_hash="b" * 64).pk > file.pk


def test_a_row_the_database_refuses_is_an_integrity_error_and_writes_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(StatementFile, [_file("c" * 64), _file("c" * 64)])
    assert not StatementFile.objects.filter(file_hash="c" * 64).exists()


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_many(StatementFile, []) == []


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_build_makes_the_object_that_keyword_arguments_make(django_assert_num_queries):
    (file,) = insert_many(StatementFile, [_file("d" * 64)])
    statement = Statement.objects.create(file=file, account="DK1", statement_id="S-4")
    now = timezone.now()
    given = {"statement_id": statement.pk, "position": 1, "identity": "i-1", "recorded_at": now}
    built = build(BankEntry, {"statement": statement}, **given)
    made = BankEntry(**given)
    assert _fields(built) == _fields(made)  # every field not given has its default
    assert built.status == "BOOK" and built.text == "" and built.value_date is None
    assert built._state.adding and built._state.db is None
    with django_assert_num_queries(0):
        assert built.statement is statement  # the related object given, no query
    # A default that is made (a dict, the time) is made anew for each object.
    first, second = (build(EntryHandling, outcome=Outcome.POSTED) for _ in range(2))
    assert first.params == {} and first.params is not second.params
    assert first.recorded_at is not None
    with pytest.raises(KeyError):
        build(BankEntry, statement=statement)  # by attribute only: statement_id


def test_rows_as_tuples_are_inserted_and_updated_as_the_orm_reads_them(
    django_assert_max_num_queries,
):
    """``insert_rows`` and ``update_rows``: decimals, dates, text, a foreign key's id and
    ``None`` arrive as given; rows not named keep their values; on PostgreSQL a statement per
    part, however many rows."""
    (file,) = insert_many(StatementFile, [_file("c" * 64)])
    at = timezone.now().replace(microsecond=123456)
    rows = [
        (file.pk, f"DK{n:02}", f"S-{n}", dt.date(2026, 11, 1 + n % 28), Decimal(n) / 4, "æø", at)
        for n in range(7)
    ]
    names = [
        "file", "account", "statement_id", "period_to", "closing_balance", "currency",
        "recorded_at",
    ]  # fmt: skip
    with django_assert_max_num_queries(10):
        insert_rows(Statement, names, rows)
    got = list(
        Statement.objects.filter(file=file)
        .order_by("statement_id")
        .values_list(
            "file_id", "account", "statement_id", "period_to", "closing_balance", "currency",
            "recorded_at",
        )
    )  # fmt: skip
    assert got == rows
    # Stored as Django stores a date-time (SQLite: UTC text without an offset), so found by it.
    assert Statement.objects.filter(file=file, recorded_at=at).count() == len(rows)
    # Updated (statements are append-only; cohorts are not): the rows named only.
    days = [dt.date(2026, 1, n) for n in range(1, 8)]
    insert_rows(
        Cohort,
        ["code", "pre_course_start", "main_course_start", "main_course_end", "capacity"],
        [(f"H{n}", days[n], days[n], days[n], 12) for n in range(7)],
    )
    cohorts = list(Cohort.objects.filter(code__startswith="H").order_by("code"))
    changes = [(c.pk, None, dt.date(2027, 2, 1 + i)) for i, c in enumerate(cohorts[:5])]
    with django_assert_max_num_queries(1):
        update_rows(Cohort, ["pre_course_start", "main_course_end"], changes)
    got = list(
        Cohort.objects.filter(code__startswith="H")
        .order_by("code")
        .values_list("pre_course_start", "main_course_start", "main_course_end")
    )
    assert got == [
        (None, days[n], dt.date(2027, 2, 1 + n)) if n < 5 else (days[n], days[n], days[n])
        for n in range(7)
    ]
    insert_rows(Statement, names, [])  # nothing: no query
    update_rows(Statement, names, [])


def test_ids_taken_beforehand_are_used_once_and_never_again():
    """``new_ids``: rows written with them keep them; the next ids, taken beforehand or given
    by the database, come after them (also after an id written that was never taken)."""
    first = new_ids(Cohort, 3)
    assert len(set(first)) == 3
    days = [dt.date(2026, 1, 5)] * 3
    insert_rows(
        Cohort,
        ["id", "code", "pre_course_start", "main_course_start", "main_course_end", "capacity"],
        [(pk, f"N{pk}", *days, 12) for pk in first],
    )
    assert set(Cohort.objects.filter(code__startswith="N").values_list("pk", flat=True)) == set(
        first
    )
    second = new_ids(Cohort, 2)
    assert min(second) > max(first)
    made = Cohort.objects.create(
        code="after", pre_course_start=days[0], main_course_start=days[0], main_course_end=days[0]
    )
    assert made.pk > max(first)
    if connection.vendor == "postgresql":
        assert made.pk not in second  # the sequence gave them out (SQLite: the ids written)
    assert new_ids(Cohort, 0) == []
