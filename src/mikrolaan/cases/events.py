"""Writing case events: the one way a case's history grows."""

import datetime as dt

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.models import Case, CaseEvent


def record_event(
    case: Case,
    kind: str,
    *,
    acting_user,
    occurred_on: dt.date,
    summary: str = "",
    why: str = "",
    data: dict | None = None,
    corrects: CaseEvent | None = None,
    stage: str | None = None,
    by_citizen: bool = False,
) -> CaseEvent:
    """Append an event (and move the case's stage, if given). Call inside a transaction.

    ``by_citizen``: the citizen did it on their own page (``acting_user`` is None)."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        summary=summary,
        why=why,
        data=data or {},
        corrects=corrects,
        recorded_by=acting_user,
    )
    if stage is not None and case.stage != stage:
        case.stage = stage
        case.save(update_fields=["stage"])
    log(
        acting_user,
        Action.CHANGE if corrects else Action.CREATE,
        obj=event,
        citizen=case.citizen,
        what=f"{kind}: {summary}"[:500],
        why=why[:500],
        by_citizen=by_citizen,
    )
    return event
