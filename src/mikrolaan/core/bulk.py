"""Writing many new rows at once: ``insert_many``, ``bulk_create`` made fast on PostgreSQL.

A bank file of 100,000 payments writes half a million rows (bank entries, ledger entries,
their handling and audit records). ``bulk_create`` compiles each batch into one ``INSERT …
VALUES`` with a parameter per field and row, which psycopg then quotes on the client: most of
the import's time. On PostgreSQL ``insert_many`` takes the new rows' ids from the table's
sequence in one query and sends the rows with ``COPY``; the objects get their ids as with
``bulk_create``. On SQLite (a municipality's small embedded installation) it is
``bulk_create``. Like ``bulk_create``, it calls no ``save()`` and sends no signals.

``build(model, **values)`` makes the objects for it as Django makes the rows it reads: with
positional values, ``Model.__init__``'s fast path (a third of the time of keyword arguments,
which pass through each relation's descriptor).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

BATCH = 1000


# Fields whose Python value psycopg sends as it is: preparing them as ``bulk_create`` does
# (``get_db_prep_save``) only returns the same value, at a cost per field and row.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


@functools.cache
def _layout(model: type[models.Model]) -> tuple[dict[str, int], list[Any], list[Any]]:
    """Where each attribute goes among the positional values, the values of the fields not
    given (their defaults) and the fields whose default is made anew for each object."""
    fields = model._meta.concrete_fields
    place = {f.attname: i for i, f in enumerate(fields)}
    made = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
    static = [f.get_default() for f in fields]  # (those ``made`` are made again)
    return place, static, made


def build(
    model: type[M], related: Mapping[str, models.Model | None] | None = None, **values: Any
) -> M:
    """A new ``model`` object for ``insert_many``: ``values`` by attribute (``loan_id``, not
    ``loan``; every other field its default). ``related`` (by field name, e.g. ``{"loan":
    loan}``) are the objects foreign keys point at: their ids are the keys' values, and they
    are kept on the object as Django keeps a related object it has read, so that ``obj.loan``
    needs no query."""
    place, static, made = _layout(model)
    row = static.copy()
    for i, field in made:
        if field.attname not in values:
            row[i] = field.get_default()
    for name, other in (related or {}).items():
        row[place[model._meta.get_field(name).attname]] = getattr(other, "pk", None)
    for name, value in values.items():
        row[place[name]] = value  # (an unknown name is a KeyError)
    obj = model(*row)
    if related:
        obj._state.fields_cache.update(related)
    return obj


def _getter(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    """How a row's value for ``field`` is taken from an object."""
    if (
        field.get_internal_type() in _AS_IS
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ):
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def copy_types(fields: Sequence[Any], connection: Any) -> list[str]:
    """The columns' types as a binary ``COPY`` names them (``varchar(20)`` → ``varchar``).

    Binary COPY spares the server parsing every value from text (and the client formatting
    it): a fifth of the server's time of a 100,000-person import. The values must then be of
    the column's own Python type (``Decimal`` for money, ``date`` for dates), as the callers'
    are."""
    types = []
    for field in fields:
        if field.is_relation:
            db_type = field.target_field.rel_db_type(connection)
        else:
            db_type = field.db_type(connection)
        types.append(db_type.split("(")[0].strip())
    return types


def insert_many(model: type[M], objs: Sequence[M], *, batch_size: int = BATCH) -> list[M]:
    """Insert ``objs`` (new, unsaved instances of ``model`` without a pk) and set their pks."""
    objs = list(objs)
    if not objs:
        return objs
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    opts = model._meta
    pk = opts.pk
    assert pk is not None and all(getattr(o, pk.attname) is None for o in objs)
    fields = list(opts.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    for obj, new_id in zip(objs, new_ids(model, len(objs)), strict=True):
        setattr(obj, pk.attname, new_id)
    with connection.cursor() as cursor:
        # psycopg's own cursor (COPY is not in Django's wrapper), its errors turned into
        # Django's as the wrapper does (an ``IntegrityError`` stays one).
        raw = cursor.cursor
        with (
            connection.wrap_database_errors,
            raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(copy_types(fields, connection))
            getters = [_getter(f, connection) for f in fields]
            for obj in objs:
                copy.write_row([get(obj) for get in getters])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db
    return objs


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for ``count`` rows of ``model`` to be written in this transaction, taken before
    the rows are: a bulk write can then give other rows (a loan's ledger entries, its payment
    ID) what they need without reading the new rows back. PostgreSQL: from the table's
    sequence. SQLite: after the largest id ever given (AUTOINCREMENT's counter, or the largest
    id); the write transaction (opened IMMEDIATE) keeps any other writer out until it ends."""
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    assert opts.pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, count],
            )
            return [new_id for (new_id,) in cursor.fetchall()]
        assert connection.in_atomic_block, "new ids are only safe inside the write transaction"
        quote = connection.ops.quote_name
        largest = f"SELECT max({quote(opts.pk.column)}) FROM {quote(opts.db_table)}"  # noqa: S608
        counter = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        sql = f"SELECT max(coalesce(({counter}), 0), coalesce(({largest}), 0))"  # noqa: S608
        cursor.execute(sql, [opts.db_table])
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a bulk job builds millions of rows in memory: it
    would scan them all again and again as they accumulate (a sixth of a 100,000-person
    import), and rows hold no reference cycles to collect. Collected once at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def in_parts(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """``values`` a list of at most ``size`` at a time, in their order: look-ups and writes of
    many ids kept within SQLite's limit on a statement's parameters (and statements short)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- rows as tuples: many rows written with a few short statements -----------------------------

ROWS_PER_STATEMENT = 5000


def _columns(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


# Values SQLite's driver would store other than Django does (an aware date-time with its
# offset, where Django writes it in UTC without one): prepared as Django prepares them.
_PREPARE_ON_SQLITE = frozenset({"DateTimeField", "JSONField"})


def _prepared(fields: Sequence[Any], rows: Sequence[Sequence[Any]], connection: Any) -> list[Any]:
    prepare = [(i, f) for i, f in enumerate(fields) if f.get_internal_type() in _PREPARE_ON_SQLITE]
    if not prepare:
        return list(rows)
    out = []
    for row in rows:
        values = list(row)
        for i, field in prepare:
            values[i] = field.get_db_prep_save(values[i], connection)
        out.append(values)
    return out


def _arrays(fields: Sequence[Any], connection: Any) -> str:
    """``%s::type[]`` for each field: one array parameter per column (PostgreSQL)."""
    return ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples of the fields ``names``, foreign keys as ids; values as the
    database takes them) into ``model``'s table: on PostgreSQL with ``COPY``, on SQLite an
    ``executemany``. No ids come back, no ``save()``, no signals."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = _columns(model, names)
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg formats each row in C; an array parameter per column is quoted in
            # Python, a third of the time of writing 100,000 loans' plans.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,  # noqa: S608,E501
            ):
                copy.set_types(copy_types(fields, connection))
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            _prepared(fields, rows, connection),
        )


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set the fields ``names`` of many rows of ``model``: each row is ``(pk, *values)``. On
    PostgreSQL one ``UPDATE … FROM unnest(…)`` of an array per column for up to
    ``ROWS_PER_STATEMENT`` rows (``bulk_update`` builds a CASE per field and row, slow at this
    size), on SQLite an ``executemany`` of ``UPDATE … WHERE pk``."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    fields = _columns(model, names)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names_in_v = ", ".join(f"c{i}" for i in range(len(fields)))
            sets = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(fields))
            sql = (
                f"UPDATE {table} AS t SET {sets} "  # noqa: S608 - names from the model
                f"FROM unnest({_arrays([pk, *fields], connection)}) AS v(k, {names_in_v}) "
                f"WHERE t.{quote(pk.column)} = v.k"
            )
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                part = rows[start : start + ROWS_PER_STATEMENT]
                cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
            return
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s",  # noqa: S608
            [[*row[1:], row[0]] for row in _prepared([pk, *fields], rows, connection)],
        )
