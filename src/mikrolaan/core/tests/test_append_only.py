import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from mikrolaan.audit.erasure import erase_fields, erase_rows, erasure_permit
from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import CaseEvent
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.core.append_only import append_only_models, missing_triggers
from mikrolaan.core.checks import append_only_triggers
from mikrolaan.core.models import AppendOnlyError, AppendOnlyModel, ErasurePermit
from mikrolaan.loans.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(project_leader):
    case = CaseFactory()
    with transaction.atomic():
        return record_event(
            case,
            "note",
            acting_user=project_leader,
            occurred_on=dt.date(2026, 2, 1),
            summary="first",
        )


def test_an_event_cannot_be_changed_through_the_orm(event):
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(summary="rewritten")


def test_an_event_cannot_be_deleted_through_the_orm(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_an_update_behind_the_orms_back(event):
    refused = IntegrityError
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET summary = 'x' WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).summary == "first"


def test_a_correction_is_a_new_event_pointing_at_the_old(event, project_leader):
    with transaction.atomic():
        fix = record_event(
            event.case,
            "note",
            acting_user=project_leader,
            occurred_on=dt.date(2026, 2, 1),
            summary="second",
            corrects=event,
            why="typo",
        )
    assert list(event.corrections.all()) == [fix]
    assert CaseEvent.objects.filter(case=event.case).count() == 2


# --- Every append-only model, on both databases -------------------------------------------

KNOWN_APPEND_ONLY = {
    "audit_auditrecord",
    "cases_caseevent",
    "courses_conversation",
    "decisions_decision",
    "loans_ledgerentry",
    "policy_loanpolicy",
}


def _dummy_row(model):
    """A row with a value for every required column. Foreign keys point nowhere: Django
    makes them DEFERRABLE INITIALLY DEFERRED on both databases and the test rolls back."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if field.is_relation:
            values[field.attname] = 987654
        elif field.choices:
            values[field.name] = "" if field.blank else field.choices[0][0]
        elif isinstance(field, models.DecimalField | models.IntegerField):
            values[field.name] = 1
        elif isinstance(field, models.DateTimeField):
            values[field.name] = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        elif isinstance(field, models.DateField):
            values[field.name] = dt.date(1901, 1, 1)  # clear of seeded rows' dates
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        elif isinstance(field, models.JSONField):
            values[field.name] = {}
        else:
            values[field.name] = "x"
    row = model(**values)
    models.Model.save_base(row, raw=True, force_insert=True)
    return row


def test_the_append_only_models_are_found_from_the_code():
    tables = {m._meta.db_table for m in append_only_models()}
    assert tables >= KNOWN_APPEND_ONLY
    subclasses, todo = set(), [AppendOnlyModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if not sub._meta.abstract:
                subclasses.add(sub._meta.db_table)
    # Plus the models that are append-only by their manager alone.
    assert subclasses | {"audit_auditrecord", "retention_retentionrun"} == tables


@pytest.mark.parametrize("model", append_only_models(), ids=lambda m: m._meta.db_table)
def test_the_database_refuses_update_and_delete_of_every_append_only_model(model):
    table = model._meta.db_table
    with transaction.atomic():
        row = _dummy_row(model)
    column = model._meta.pk.column
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE {column} = %s", [row.pk])  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [row.pk])  # noqa: S608
    assert model._base_manager.filter(pk=row.pk).exists()
    # Only an erasure permit takes the (dangling) row away again.
    with erasure_permit("test: remove the dummy row"):
        assert erase_rows(model._base_manager.filter(pk=row.pk)) == 1


def test_every_trigger_is_installed():
    assert missing_triggers(connection) == []


# --- The erasure permit: the one way through -------------------------------------------------


def test_an_erasure_permit_lets_blanking_through_and_is_gone_afterwards(event):
    with erasure_permit("test: blank the summary"):
        assert erase_fields(CaseEvent.objects.filter(pk=event.pk), summary="") == 1
    assert CaseEvent.objects.get(pk=event.pk).summary == ""
    assert not ErasurePermit.objects.exists()
    assert AuditRecord.objects.filter(what="erasure permit: test: blank the summary").exists()
    # Afterwards the database refuses again.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET summary = 'x' WHERE id = %s", [event.pk])


def test_without_a_permit_the_erasure_helpers_refuse(event):
    with pytest.raises(AppendOnlyError):
        erase_fields(CaseEvent.objects.filter(pk=event.pk), summary="")
    with pytest.raises(AppendOnlyError):
        erase_rows(CaseEvent.objects.filter(pk=event.pk))
    assert CaseEvent.objects.get(pk=event.pk).summary == "first"


def test_a_failing_erasure_rolls_back_with_its_permit(event):
    with pytest.raises(RuntimeError), erasure_permit("test: fails"):
        erase_fields(CaseEvent.objects.filter(pk=event.pk), summary="")
        raise RuntimeError("boom")
    assert CaseEvent.objects.get(pk=event.pk).summary == "first"
    assert not ErasurePermit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_table_rebuild_loses_no_trigger_after_migrate(project_leader):
    """SQLite rebuilds a table for most AlterFields, dropping its triggers; migrate puts them
    back. (On PostgreSQL the trigger is dropped by hand to the same effect.)"""
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            editor._remake_table(LedgerEntry)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER loans_ledgerentry_append_only ON loans_ledgerentry")
    assert "loans_ledgerentry_append_only" in missing_triggers(connection)
    assert any(e.id == "mikrolaan.E001" for e in append_only_triggers(databases=["default"]))

    call_command("migrate", verbosity=0)

    assert missing_triggers(connection) == []
    with transaction.atomic():
        row = _dummy_row(LedgerEntry)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE loans_ledgerentry SET amount = 1 WHERE id = %s", [row.pk])
        transaction.set_rollback(True)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_permit_is_seen_by_its_own_transaction_only(project_leader):
    """While one transaction holds a permit, another session's UPDATE is still refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite has one writer at a time)")
    with transaction.atomic():
        event, other = (
            record_event(
                CaseFactory(), "note", acting_user=project_leader,
                occurred_on=dt.date(2026, 2, 1), summary="first",
            )
            for _ in range(2)
        )  # fmt: skip
    held, done = threading.Event(), threading.Event()
    seen = {}

    def other_session():
        held.wait(10)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM core_erasurepermit")
                seen["permits"] = cursor.fetchone()[0]
                cursor.execute(
                    "UPDATE cases_caseevent SET summary = 'other' WHERE id = %s", [other.pk]
                )
            seen["result"] = "updated"
        except IntegrityError:
            seen["result"] = "refused"
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_session)
    thread.start()
    with erasure_permit("test: held while another session tries"):
        erase_fields(CaseEvent.objects.filter(pk=event.pk), summary="")
        held.set()
        assert done.wait(10)
    thread.join()
    assert seen == {"permits": 0, "result": "refused"}
    assert CaseEvent.objects.get(pk=event.pk).summary == ""
    assert CaseEvent.objects.get(pk=other.pk).summary == "first"


def test_the_test_flush_on_sqlite_holds_a_permit_and_a_plain_flush_is_refused(event):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL flushes with TRUNCATE, which row triggers do not see")
    from django.core.management.color import no_style
    from django.db.backends.sqlite3.operations import DatabaseOperations

    tables = ["cases_caseevent", ErasurePermit._meta.db_table]
    plain = DatabaseOperations(connection).sql_flush(no_style(), tables)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        for sql in plain:
            cursor.execute(sql)
    assert CaseEvent.objects.filter(pk=event.pk).exists()

    with transaction.atomic():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        assert not CaseEvent.objects.exists()
        assert not ErasurePermit.objects.exists()
        transaction.set_rollback(True)
