"""Inserting many rows fast: one ``executemany`` per batch, no model instances.

``bulk_create`` builds and prepares a model instance per row, which for a 100,000-person bundle
(about 850,000 rows) costs minutes. The rows here have been checked already; fields the row
does not name get their default (``auto_now_add`` fields the current time).
"""

from decimal import Decimal
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

from mikrolaan.core.bulk import copy_types, in_parts

BATCH = 5000
_PREPARED = {"DateTimeField", "JSONField", "DecimalField"}


def _converter(field):
    kind = field.get_internal_type()
    if kind == "DecimalField":
        # Checked Decimals go as they are (the drivers take them); anything else is prepared.
        return lambda v: (
            v if v is None or type(v) is Decimal else field.get_db_prep_save(v, connection)
        )
    if kind in _PREPARED:
        last = [None, None]  # rows of one import share their time stamp: prepare it once

        def prepared(v):
            if v is None:
                return None
            if v is not last[0]:
                last[0], last[1] = v, field.get_db_prep_save(v, connection)
            return last[1]

        return prepared
    return None  # dates, numbers and text: the drivers take them as they are


def insert(model: type[models.Model], rows: list[dict]) -> int:
    if not rows:
        return 0
    meta = model._meta
    now = timezone.now()
    given = list(rows[0])
    fields = [meta.get_field(name) for name in given]
    extra = []
    for field in meta.concrete_fields:
        if field.attname in given or field.name in given:
            continue
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            extra.append((field, now))
        else:
            extra.append((field, field.get_default()))  # "" for text, None when nullable
    columns = [f.column for f in fields] + [f.column for f, _v in extra]
    fixed = [f.get_db_prep_save(v, connection) if v is not None else None for f, v in extra]
    converted = [(i, c) for i, c in enumerate(_converter(f) for f in fields) if c is not None]
    pick = itemgetter(*given)

    def values_of(row: dict) -> list:
        values = list(pick(row)) if len(given) > 1 else [pick(row)]
        for i, convert in converted:
            values[i] = convert(values[i])
        values += fixed
        return values

    quote = connection.ops.quote_name
    # Table and column names come from the model; every value is a parameter.
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    if connection.vendor == "postgresql":
        # COPY: one stream for all rows instead of a round trip per row, in binary.
        copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)"
        types = copy_types([*fields, *(f for f, _v in extra)], connection)
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(values_of(row))
        return len(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [values_of(row) for row in rows[start : start + BATCH]])
    return len(rows)


def in_batches(model: type[models.Model], pks: list[int]):
    """Instances by primary key, in batches the database's parameter limit allows."""
    for part in in_parts(pks, 2000):
        yield from model.objects.filter(pk__in=part)
