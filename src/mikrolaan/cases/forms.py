"""Forms only parse input; the rules live in the services they feed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.models import Unit
from mikrolaan.cases.constants import (
    DropoutDestination,
    DropoutReason,
    Judgement,
    Recommendation,
    SelfEmploymentOrigin,
    Stage,
)
from mikrolaan.cases.models import Case
from mikrolaan.core.validators import no_formula
from mikrolaan.core.widgets import DateInput
from mikrolaan.people.models import SupportCategory, TargetGroup


class DkfdsForm(forms.Form):
    """Gives every widget the class Det Fælles Designsystem expects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-input"
            widget.attrs.setdefault("class", css)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (or on the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


def today_field(label):
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class CitizenForm(DkfdsForm):
    cpr = forms.CharField(
        label=_("CPR number"),
        max_length=11,
        help_text=_("DDMMYY-SSSS. Birth date and gender are derived from it."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[no_formula])
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=[no_formula])
    unit = forms.ModelChoiceField(label=_("Job-centre unit"), queryset=Unit.objects.none())
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, validators=[no_formula]
    )
    support_before = forms.ModelChoiceField(
        label=_("Support before the programme"),
        queryset=SupportCategory.objects.filter(active=True),
        required=False,
    )
    target_group = forms.ChoiceField(
        label=_("Target group"), choices=[("", "---------"), *TargetGroup.choices], required=False
    )
    digital_post_exempt = forms.BooleanField(
        label=_("Exempt from Digital Post (gets paper letters)"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.unit_id:
            # A job consultant registers citizens in her own unit.
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = Unit.objects.filter(active=True)


class CitizenContactForm(DkfdsForm):
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, validators=[no_formula]
    )
    digital_post_exempt = forms.BooleanField(
        label=_("Exempt from Digital Post (gets paper letters)"), required=False
    )
    why = forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("Written to the access log with the change."),
    )


class ReferralForm(DkfdsForm):
    referred_on = today_field(_("Referral date"))
    origin = forms.ChoiceField(
        label=_("Why self-employment"),
        choices=SelfEmploymentOrigin.choices,
        widget=forms.RadioSelect,
    )
    talent = forms.CharField(
        label=_("The craft, skill or hobby"),
        max_length=300,
        required=False,
        help_text=_("Required unless the citizen raised self-employment herself."),
    )
    idea = forms.CharField(
        label=_("The business idea in a few lines"), widget=forms.Textarea(attrs={"rows": 4})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].widget.attrs["class"] = "form-radio"


def _judgement(label, required_message):
    """A judgement starts empty: the caseworker chooses it, nothing is submitted silently."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Choose…")), *Judgement.choices],
        error_messages={"required": required_message},
    )


def _assessment(label):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}))


class ScreeningForm(DkfdsForm):
    occurred_on = today_field(_("Date"))
    person_assessment = _assessment(_("The person (incl. motivation): assessment"))
    person_judgement = _judgement(
        _("The person: judgement"), _("Choose your judgement of the person.")
    )
    money_assessment = _assessment(_("The money (loan need): assessment"))
    money_judgement = _judgement(
        _("The money: judgement"), _("Choose your judgement of the money.")
    )
    plan_assessment = _assessment(_("The plan (the business idea): assessment"))
    plan_judgement = _judgement(_("The plan: judgement"), _("Choose your judgement of the plan."))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you recommend the programme.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].widget.attrs["class"] = "form-radio"


class DropoutForm(DkfdsForm):
    dropped_on = today_field(_("Date"))
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose…")), *DropoutReason.choices],
        error_messages={"required": _("Choose the reason from the list.")},
    )
    destination = forms.ChoiceField(
        label=_("Where the citizen went"),
        choices=[("", _("Choose…")), *DropoutDestination.choices],
        error_messages={"required": _("Choose where the citizen went.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectionForm(DkfdsForm):
    field = forms.ChoiceField(label=_("What to correct"))
    value = forms.CharField(label=_("Corrected text"), widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(label=_("Why the correction is made"), max_length=500)

    def __init__(self, *args, field_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = field_choices


class DateCorrectionForm(DkfdsForm):
    new_date = forms.DateField(label=_("Correct date"), widget=DateInput())
    why = forms.CharField(label=_("Why the correction is made"), max_length=500)


class ErrorClosureForm(DkfdsForm):
    why = forms.CharField(
        label=_("Why the case was registered in error"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


class SearchForm(DkfdsForm):
    q = forms.CharField(label=_("Search by name or CPR number"), required=False, max_length=100)


class CaseFilterForm(DkfdsForm):
    """The case list's filters (GET, kept in the query string); an unknown value is ignored."""

    stage = forms.ChoiceField(label=_("Stage"), required=False)
    cohort = forms.ModelChoiceField(label=_("Cohort"), required=False, queryset=None)
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=None)

    def __init__(self, *args, user, **kwargs):
        # The cohort model through the case's relation (courses sits above cases).
        Cohort = Case._meta.get_field("cohort").related_model  # noqa: N806

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("All")), *Stage.choices]
        self.fields["cohort"].queryset = Cohort.objects.order_by("-main_course_start", "code")
        self.fields["cohort"].empty_label = _("All")
        if user.sees_all_cases:
            self.fields["unit"].queryset = Unit.objects.order_by("name")
            self.fields["unit"].empty_label = _("All")
        else:
            del self.fields["unit"]  # a unit's staff see their own unit's cases only
        for field in self.fields.values():
            field.widget.attrs["data-autosubmit"] = ""

    def filter(self, cases):
        self.is_valid()  # an unknown value is left out of cleaned_data, the others filter
        data = self.cleaned_data
        if data.get("stage"):
            cases = cases.filter(stage=data["stage"])
        if data.get("cohort"):
            cases = cases.filter(cohort=data["cohort"])
        if data.get("unit"):
            cases = cases.filter(unit=data["unit"])
        return cases
