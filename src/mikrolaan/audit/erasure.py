"""The one sanctioned way through the append-only triggers: an erasure permit.

Retention (``mikrolaan.retention``) must blank free text in append-only records and delete
audit records past their retention; nothing else may change such a row. It does so inside
``erasure_permit``::

    with erasure_permit("retention run 2031-01-01", acting_user=user):
        erase_fields(CaseEvent.objects.filter(case__in=cases), summary="", why="")
        erase_rows(AuditRecord.objects.filter(at__lt=cutoff))

The permit is a row in ``core_erasurepermit`` written at the start of one transaction and
deleted before it commits: the triggers let UPDATE and DELETE through only while such a row
is visible, which is to that transaction alone. Every permit writes an audit record saying
why. Outside a permit the ORM (``AppendOnlyQuerySet``) and the database refuse as always;
``erase_fields`` and ``erase_rows`` refuse too.

The test suite's flush on SQLite (which empties tables with DELETE) takes the same way
through: see ``mikrolaan.core.test_sqlite``.
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.core.models import AppendOnlyError, ErasurePermit


@contextmanager
def erasure_permit(why: str, *, acting_user=None, using: str = DEFAULT_DB_ALIAS):
    """Hold an erasure permit for the body of the ``with``: one transaction, audited."""
    if not why.strip():
        raise ValueError("an erasure permit needs a reason")
    with transaction.atomic(using=using):
        permit = ErasurePermit.objects.using(using).create(why=why[:300])
        log(acting_user, Action.DELETE, what=f"erasure permit: {why}"[:500], why=why[:500])
        yield permit
        # Deleted before the commit: no other transaction ever sees the permit.
        ErasurePermit.objects.using(using).filter(pk=permit.pk).delete()


def permit_held(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].in_atomic_block and ErasurePermit.objects.using(using).exists()


def _require_permit(queryset) -> None:
    if not permit_held(queryset.db):
        raise AppendOnlyError(f"{queryset.model.__name__} rows change only under an erasure permit")


def erase_fields(queryset, **values) -> int:
    """Overwrite fields (free text, identifiers) of append-only rows; needs a permit."""
    _require_permit(queryset)
    return models.QuerySet.update(queryset, **values)


def erase_rows(queryset) -> int:
    """Delete append-only rows (e.g. audit records past retention); needs a permit."""
    _require_permit(queryset)
    return queryset._raw_delete(queryset.db)
