"""The case's timeline as the case page shows it: events, their details and corrections."""

from django.utils.translation import gettext_lazy as _

from mikrolaan.cases.constants import SCREENING_STEPS, EventKind
from mikrolaan.cases.page import (
    event_details,
    event_label,
    event_summary,
    register_event_details,
    register_event_kind,
    register_event_summary,
)
from mikrolaan.cases.services import (
    CORRECTABLE,
    DATE_FIELD,
    corrected_value,
    event_date,
    may_correct_date,
)

for _kind in EventKind:
    register_event_kind(_kind.value, _kind.label)


def timeline(case) -> list[dict]:
    events = list(
        case.events.select_related("recorded_by", "corrects").prefetch_related("corrections")
    )
    items = [
        {
            "event": event,
            "date": event_date(event),
            "may_correct_date": may_correct_date(event),
            "label": event_label(event.kind),
            "summary": event_summary(event),
            "details": event_details(event),
            "corrections": list(event.corrections.all()),
            "corrects": event.corrects,
            "corrects_label": event_label(event.corrects.kind) if event.corrects else "",
        }
        for event in events
    ]
    # In the order of the dates after their corrections (the sort is stable).
    return sorted(items, key=lambda item: item["date"])


def _field(event, record, name):
    """(label, value after corrections, corrected?) for one text field of a typed record."""
    original = getattr(record, name)
    value = corrected_value(event, name, original)
    return (record._meta.get_field(name).verbose_name, value)


@register_event_details(EventKind.REFERRAL)
def referral_details(event):
    referral = event.referral
    lines = [(_("Why self-employment"), referral.get_origin_display())]
    if referral.talent or event.corrections.exists():
        lines.append(_field(event, referral, "talent"))
    lines.append(_field(event, referral, "idea"))
    lines.append(_field(event, referral, "notes"))
    return [line for line in lines if line[1]]


def screening_details(event):
    s = event.screening
    return [
        line
        for line in [
            (_("The person"), s.get_person_judgement_display()),
            _field(event, s, "person_assessment"),
            (_("The money"), s.get_money_judgement_display()),
            _field(event, s, "money_assessment"),
            (_("The plan"), s.get_plan_judgement_display()),
            _field(event, s, "plan_assessment"),
            (_("Recommendation"), s.get_recommendation_display()),
            _field(event, s, "notes"),
        ]
        if line[1]
    ]


for _kind in SCREENING_STEPS:
    register_event_details(_kind)(screening_details)


@register_event_details(EventKind.DROPOUT)
def dropout_details(event):
    d = event.dropout
    return [
        (_("Reason"), d.get_reason_display()),
        (_("Where the citizen went"), d.get_destination_display()),
        (_("Left at stage"), d.get_stage_left_display()),
        *([(_("Notes"), d.notes)] if d.notes else []),
    ]


def _corrected_field_label(event) -> str:
    """The corrected field's name in the reader's language (the stored label is the language
    of whoever corrected it)."""
    field, corrected = event.data.get("field", ""), event.corrects
    if field == DATE_FIELD:
        return str(_("Date"))
    if corrected is not None and corrected.kind in CORRECTABLE:
        record = getattr(corrected, CORRECTABLE[corrected.kind][0])
        return str(record._meta.get_field(field).verbose_name)
    return event.data.get("label", "")


@register_event_details(EventKind.CORRECTION)
def correction_details(event):
    return [
        (_("Field"), _corrected_field_label(event)),
        (_("Before"), event.data.get("old", "")),
        (_("After"), event.data.get("value", "")),
    ]


# Summaries in the reader's language, from the typed record (the stored text is the fallback).
@register_event_summary(EventKind.REFERRAL)
def referral_summary(event):
    return event.referral.get_origin_display()


def screening_summary(event):
    return event.screening.get_recommendation_display()


for _kind in SCREENING_STEPS:
    register_event_summary(_kind)(screening_summary)


@register_event_summary(EventKind.DROPOUT)
def dropout_summary(event):
    return event.dropout.get_reason_display()


@register_event_summary(EventKind.CORRECTION)
def correction_summary(event):
    what = event_label(event.corrects.kind)
    if event.data.get("field") == DATE_FIELD:
        return _("%(what)s: date corrected") % {"what": what}
    return _("%(what)s: %(field)s corrected") % {
        "what": what,
        "field": _corrected_field_label(event),
    }


@register_event_summary(EventKind.REGISTERED_IN_ERROR)
def registered_in_error_summary(event):
    return _("Registered in error")
