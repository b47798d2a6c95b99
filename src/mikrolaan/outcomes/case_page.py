"""What outcomes adds to the case page: the spells section, the "record" action and how
support-spell events read on the timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.cases import page
from mikrolaan.cases.page import register_action, register_section
from mikrolaan.outcomes import access
from mikrolaan.outcomes.services import EVENT_KIND


@register_section(order=80)
def support_spells_section(case, user):
    from mikrolaan.outcomes.views import section_context

    return {"template": "outcomes/case_section.html", "context": section_context(case, user)}


@register_action(order=80)
def support_spell_actions(case, user):
    if not access.may_record_spells(user):
        return []
    return [
        {
            "key": "record-support-status",
            "label": _("Record support status"),
            "url": reverse("outcomes:record", args=[case.pk]),
        }
    ]


def support_spell_details(event):
    """The timeline line's details: the summary already names status and period."""
    source = (event.data or {}).get("source")
    return [(_("Source"), source)] if source else []


# The timeline's event-kind registry arrives with the case page (intake); register there when
# it exists so the timeline names these events in Danish and shows their details.
if hasattr(page, "register_event_kind"):
    page.register_event_kind(EVENT_KIND, gettext_lazy("Support status"))
if hasattr(page, "register_event_details"):
    page.register_event_details(EVENT_KIND)(support_spell_details)


def support_spell_summary(event) -> str:
    """The timeline line in the reader's language, from the event's data (the stored summary
    is in the language of whoever recorded it; issue 9)."""
    import datetime as dt

    from mikrolaan.outcomes.models import SupportSpell
    from mikrolaan.outcomes.services import describe_spell

    data = event.data
    end = data["end"]
    spell = SupportSpell(
        status=data["status"],
        start=dt.date.fromisoformat(data["start"]),
        end=dt.date.fromisoformat(end) if end else None,
    )
    if data.get("withdrawn"):
        return _("Withdrawn: %(old)s") % {"old": describe_spell(spell)}
    if data.get("corrects"):
        old = SupportSpell.objects.get(pk=data["corrects"])
        return _("Corrected: %(old)s → %(new)s") % {
            "old": describe_spell(old),
            "new": describe_spell(spell),
        }
    return describe_spell(spell)


if hasattr(page, "register_event_summary"):
    page.register_event_summary(EVENT_KIND)(support_spell_summary)
