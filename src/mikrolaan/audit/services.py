"""Writing the audit trail. Call these in the same transaction as the change."""

from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from mikrolaan.audit import context
from mikrolaan.audit.models import Action, AuditRecord


def _acting(user):
    return user if (user is not None and user.is_authenticated) else None


def _origin_fields(user) -> dict:
    """Who acted through which channel: the user's role then, the IP or the shell user."""
    fields = context.current().fields()
    fields["command"] = fields["command"][:1000]
    fields["os_user"] = fields["os_user"][:100]
    fields["role"] = getattr(user, "role", "") or ""
    return fields


def log(
    user,
    action: str,
    *,
    obj: models.Model | None = None,
    citizen=None,
    what: str = "",
    why: str = "",
    by_citizen: bool = False,
) -> AuditRecord:
    """One record. ``by_citizen``: the citizen it is about acted themself (``user`` is None)."""
    if citizen is None and obj is not None:
        citizen = _citizen_of(obj)
    user = _acting(user)
    if by_citizen and (user is not None or citizen is None):
        raise ValueError("a record by the citizen names that citizen and no staff user")
    return AuditRecord.objects.create(
        user=user,
        by_citizen=by_citizen,
        action=action,
        citizen=citizen,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        what=what[:500],
        why=why[:500],
        **_origin_fields(user),
    )


def log_read(user, obj, *, what: str = "", why: str = "") -> AuditRecord:
    return log(user, Action.READ, obj=obj, what=what, why=why)


def log_by_citizen(
    citizen, action: str, *, obj: models.Model | None = None, what: str = "", why: str = ""
) -> AuditRecord:
    """The citizen acted on their own data (saw a page, asked for something, changed details)."""
    return log(None, action, obj=obj, citizen=citizen, what=what, why=why, by_citizen=True)


def log_list(user, citizens: Iterable, *, what: str, action: str = Action.LIST) -> int:
    """Record that a page showed these citizens: one record per citizen, in one bulk insert.

    ``citizens`` holds citizens or their primary keys (``None`` is skipped); a citizen shown
    twice on the page is recorded once. Returns the number of records written.
    """
    seen: dict[int, None] = {}
    for citizen in citizens:
        pk = getattr(citizen, "pk", citizen)
        if pk is not None:
            seen.setdefault(pk, None)
    if not seen:
        return 0
    user = _acting(user)
    now = timezone.now()
    origin = _origin_fields(user)
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(at=now, user=user, action=action, citizen_id=pk, what=what[:500], **origin)
            for pk in seen
        ],
        batch_size=500,
    )
    return len(seen)


def log_command(command_line: str) -> AuditRecord:
    """A shell command of the programme was run (the OS user and command line come along)."""
    return log(None, Action.COMMAND, what=command_line[:500])


def origin_fields() -> dict:
    """The origin columns for code that inserts audit rows in bulk itself (the importer)."""
    return _origin_fields(None)


def _citizen_of(obj):
    # The citizen model is the one the record's ``citizen`` key points to (no import of the
    # people app, which is above this one and writes its records here).
    if isinstance(obj, AuditRecord.citizen.field.related_model):
        return obj
    return getattr(obj, "citizen", None)
