"""Writing the audit trail. Call these in the same transaction as the change."""

from django.db import models

from mikrolaan.audit.models import Action, AuditRecord


def log(
    user,
    action: str,
    *,
    obj: models.Model | None = None,
    citizen=None,
    what: str = "",
    why: str = "",
) -> AuditRecord:
    if citizen is None and obj is not None:
        citizen = _citizen_of(obj)
    return AuditRecord.objects.create(
        user=user if (user is not None and user.is_authenticated) else None,
        action=action,
        citizen=citizen,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        what=what[:500],
        why=why[:500],
    )


def log_read(user, obj, *, what: str = "", why: str = "") -> AuditRecord:
    return log(user, Action.READ, obj=obj, what=what, why=why)


def _citizen_of(obj):
    from mikrolaan.people.models import Citizen

    if isinstance(obj, Citizen):
        return obj
    return getattr(obj, "citizen", None)
