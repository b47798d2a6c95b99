"""Recording support spells: the one way a citizen's outcome history grows.

Spells are append-only. A correction is a new spell whose ``corrects`` points at the spell it
replaces; a removal is such a spell with ``withdrawn`` set. The *effective* spells of a
citizen are those not corrected and not withdrawn; they never overlap.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.outcomes import rules
from mikrolaan.outcomes.models import SupportSpell, SupportStatus
from mikrolaan.people.models import Citizen

EVENT_KIND = "support_spell"


class SpellError(ValidationError):
    """A spell that breaks a rule; nothing was written. ``field`` names the form field."""

    def __init__(self, message: str, field: str = "__all__"):
        super().__init__({field: [message]})
        self.field = field
        self.text = message


def effective_spells(citizen: Citizen):
    """The citizen's spells that count: not corrected, not withdrawn, in date order."""
    return SupportSpell.objects.filter(
        citizen=citizen, withdrawn=False, corrected_by__isnull=True
    ).order_by("start", "pk")


def describe_period(start: dt.date, end: dt.date | None) -> str:
    shown = formats.date_format(start, "SHORT_DATE_FORMAT")
    if end is None:
        return _("%(start)s – still running") % {"start": shown}
    return f"{shown} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


def describe_spell(spell: SupportSpell) -> str:
    return _("“%(status)s” %(period)s") % {
        "status": SupportStatus(spell.status).label,
        "period": describe_period(spell.start, spell.end),
    }


def _check(citizen, *, status, start, end, source, replacing: SupportSpell | None = None):
    if status not in SupportStatus.values:
        raise SpellError(_("Choose one of the support statuses."), "status")
    if not isinstance(start, dt.date):
        raise SpellError(_("The start date is missing."), "start")
    if end is not None and end < start:
        raise SpellError(
            _("The end date %(end)s is before the start date %(start)s.")
            % {
                "end": formats.date_format(end, "SHORT_DATE_FORMAT"),
                "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
            },
            "end",
        )
    if not (source or "").strip():
        raise SpellError(
            _("Say where the information comes from (e.g. the citizen, eIndkomst, CVR)."),
            "source",
        )
    others = effective_spells(citizen)
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    candidate = SupportSpell(citizen=citizen, status=status, start=start, end=end)
    clashes = [o for o in others if rules.overlaps(o, candidate)]
    if clashes:
        first = clashes[0]
        recorded = formats.date_format(
            timezone.localtime(first.recorded_at).date(), "SHORT_DATE_FORMAT"
        )
        raise SpellError(
            _(
                "The period %(period)s overlaps the recorded spell %(other)s (recorded "
                "%(recorded)s). A person can only have one support status at a time: end or "
                "correct that spell first."
            )
            % {
                "period": describe_period(start, end),
                "other": describe_spell(first),
                "recorded": recorded,
            },
            "start",
        )


def _case_of(citizen: Citizen, case: Case | None) -> Case | None:
    if case is not None:
        return case
    return Case.objects.filter(citizen=citizen).order_by("-opened_on", "-pk").first()


def _event(spell: SupportSpell, case: Case | None, *, acting_user, summary: str, why: str = ""):
    case = _case_of(spell.citizen, case)
    if case is None:
        return None
    return record_event(
        case,
        EVENT_KIND,
        acting_user=acting_user,
        occurred_on=spell.start,
        summary=summary[:300],
        why=why,
        data={
            "spell": spell.pk,
            "status": spell.status,
            "start": spell.start.isoformat(),
            "end": spell.end.isoformat() if spell.end else None,
            "source": spell.source,
            "corrects": spell.corrects_id,
            "withdrawn": spell.withdrawn,
        },
    )


def _lock(citizen: Citizen) -> Citizen:
    # Serialises spell changes for one person, so two concurrent entries cannot both pass
    # the overlap check.
    return Citizen.objects.select_for_update().get(pk=citizen.pk)


@transaction.atomic
def record_spell(
    citizen: Citizen,
    *,
    status: str,
    start: dt.date,
    end: dt.date | None = None,
    source: str,
    acting_user,
    why: str = "",
    case: Case | None = None,
) -> SupportSpell:
    """Record a period with one support status. Refused if it overlaps an effective spell."""
    citizen = _lock(citizen)
    _check(citizen, status=status, start=start, end=end, source=source)
    spell = SupportSpell.objects.create(
        citizen=citizen,
        status=status,
        start=start,
        end=end,
        source=source.strip(),
        why=why,
        recorded_by=acting_user,
    )
    _event(spell, case, acting_user=acting_user, summary=describe_spell(spell), why=why)
    if _case_of(citizen, case) is None:
        log(acting_user, Action.CREATE, obj=spell, citizen=citizen, what=describe_spell(spell))
    return spell


def _effective_or_refuse(spell: SupportSpell) -> SupportSpell:
    spell = SupportSpell.objects.select_related("citizen").get(pk=spell.pk)
    if spell.withdrawn or SupportSpell.objects.filter(corrects=spell).exists():
        raise SpellError(_("That spell has already been corrected or withdrawn."))
    return spell


@transaction.atomic
def correct_spell(
    spell: SupportSpell,
    *,
    status: str,
    start: dt.date,
    end: dt.date | None,
    source: str,
    why: str,
    acting_user,
    case: Case | None = None,
) -> SupportSpell:
    """Replace an effective spell by a corrected one (a new spell pointing at the old)."""
    _lock(spell.citizen)
    spell = _effective_or_refuse(spell)
    if not why.strip():
        raise SpellError(_("Say why the spell is corrected."), "why")
    _check(spell.citizen, status=status, start=start, end=end, source=source, replacing=spell)
    new = SupportSpell.objects.create(
        citizen=spell.citizen,
        status=status,
        start=start,
        end=end,
        source=source.strip(),
        why=why,
        corrects=spell,
        recorded_by=acting_user,
    )
    _event(
        new,
        case,
        acting_user=acting_user,
        summary=_("Corrected: %(old)s → %(new)s")
        % {"old": describe_spell(spell), "new": describe_spell(new)},
        why=why,
    )
    return new


@transaction.atomic
def withdraw_spell(
    spell: SupportSpell, *, why: str, acting_user, case: Case | None = None
) -> SupportSpell:
    """Remove a spell recorded in error: a new, withdrawn spell pointing at it."""
    _lock(spell.citizen)
    spell = _effective_or_refuse(spell)
    if not why.strip():
        raise SpellError(_("Say why the spell is withdrawn."), "why")
    removal = SupportSpell.objects.create(
        citizen=spell.citizen,
        status=spell.status,
        start=spell.start,
        end=spell.end,
        source=spell.source,
        why=why,
        corrects=spell,
        withdrawn=True,
        recorded_by=acting_user,
    )
    _event(
        removal,
        case,
        acting_user=acting_user,
        summary=_("Withdrawn: %(old)s") % {"old": describe_spell(spell)},
        why=why,
    )
    return removal
