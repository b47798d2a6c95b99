"""What outcomes adds to the case page: the spells section and the "record" action."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.cases.page import register_action, register_section
from mikrolaan.outcomes import access


@register_section(order=80)
def support_spells_section(case, user):
    from mikrolaan.outcomes.views import section_context

    return {"template": "outcomes/case_section.html", "context": section_context(case, user)}


@register_action(order=80)
def support_spell_actions(case, user):
    if not access.may_record_spells(user):
        return []
    return [
        {"label": _("Record support status"), "url": reverse("outcomes:record", args=[case.pk])}
    ]
