from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.budgets.fields import KronerField
from mikrolaan.cases.view_helpers import StyledFormMixin, date_field
from mikrolaan.decisions.models import Colour, RedOutcome


def colour_field(label):
    return forms.ChoiceField(
        label=label, choices=Colour.choices, widget=forms.RadioSelect, initial=None
    )


def reason_field(label):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(StyledFormMixin, forms.Form):
    decided_on = date_field(_("Decided on"), initial=timezone.localdate)
    person_colour = colour_field(_("The person"))
    person_reason = reason_field(_("The person: reasons"))
    money_colour = colour_field(_("The money"))
    money_reason = reason_field(_("The money: reasons"))
    plan_colour = colour_field(_("The plan"))
    plan_reason = reason_field(_("The plan: reasons"))
    colour = colour_field(_("Overall decision"))
    feedback = forms.CharField(
        label=_("Feedback to the citizen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for yellow: what the resubmission must show."),
    )
    proposed_amount = KronerField(
        label=_("Proposed loan (kr.)"), required=False, help_text=_("Green only.")
    )
    amount_justification = forms.CharField(
        label=_("Justification for an amount outside the policy"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    red_outcome = forms.ChoiceField(
        label=_("Consequence of red"),
        required=False,
        choices=[("", "—"), *RedOutcome.choices],
        help_text=_("Red only."),
    )


class ApprovalForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RefusalForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing the grant"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MainCourseForm(StyledFormMixin, forms.Form):
    started_on = date_field(_("Main course starts on"), initial=timezone.localdate)
    cvr = forms.CharField(label=_("CVR number"), max_length=20)
    subsistence_months = forms.IntegerField(
        label=_("Subsistence grant, months"), required=False, min_value=1, max_value=60
    )
    subsistence_reason = forms.CharField(
        label=_("Reason for a longer subsistence grant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fit_for_work_on = date_field(
        _("Declared fit for work on"),
        required=False,
        help_text=_("Needed before the loan is paid out; may also be recorded later."),
    )

    def __init__(self, *args, keeps_pension=False, max_months=6, **kwargs):
        super().__init__(*args, **kwargs)
        if keeps_pension:
            del self.fields["subsistence_months"]
            del self.fields["subsistence_reason"]
        else:
            self.fields["subsistence_months"].help_text = _(
                "At most %(max)s months without a written reason."
            ) % {"max": max_months}


class FitForWorkForm(StyledFormMixin, forms.Form):
    confirmed_on = date_field(_("Declared fit for work on"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
