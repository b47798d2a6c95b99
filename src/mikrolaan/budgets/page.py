"""The case page's budget section and action."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.budgets.services import may_submit_budget, summarise
from mikrolaan.cases.page import register_action, register_section


@register_section(order=40)
def budgets_section(case, user):
    versions = list(case.budget_versions.order_by("-number").prefetch_related("lines", "months"))
    if not versions:
        return None
    context = {"summaries": [summarise(v) for v in versions]}
    context["ctx"] = context  # the template reads ``ctx.…`` however the case page passes it
    return {"template": "budgets/case_section.html", "context": context}


@register_action(order=40)
def budget_actions(case, user):
    if not may_submit_budget(case, user):
        return []
    label = _("New budget version") if case.budget_versions.exists() else _("Enter budgets")
    return [{"label": label, "url": reverse("budgets:new", args=[case.pk])}]


def _register_event_kinds():
    from django.utils.translation import gettext_lazy

    from mikrolaan.budgets.services import EVENT_BUDGET_SUBMITTED
    from mikrolaan.cases.page import register_event_kind, register_event_summary

    register_event_kind(EVENT_BUDGET_SUBMITTED, gettext_lazy("Budget submitted"))

    # The summary in the reader's language, from the event's data (issue 9).
    @register_event_summary(EVENT_BUDGET_SUBMITTED)
    def budget_submitted_summary(event):
        from mikrolaan.core.formatting import number

        return _("Budget version %(n)s submitted; loan need %(need)s kr.") % {
            "n": event.data["version"],
            "need": number(event.data["loan_need"], 2),
        }


_register_event_kinds()
