from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.models import User
from mikrolaan.cases.forms import DkfdsForm
from mikrolaan.core.widgets import DateInput
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen
from mikrolaan.privacy.audit_log.queries import Period

MAX_DAYS = 366


def _since():
    return Period.last_days().since


class PeriodForm(DkfdsForm):
    """A period of whole days; left empty, the last 30 days."""

    since = forms.DateField(label=_("From"), widget=DateInput(), initial=_since, required=False)
    until = forms.DateField(
        label=_("To"), widget=DateInput(), initial=timezone.localdate, required=False
    )

    def clean(self):
        data = super().clean()
        default = Period.last_days()
        data["since"] = data.get("since") or default.since
        data["until"] = data.get("until") or default.until
        if data["since"] > data["until"]:
            raise ValidationError(_("The period must start before it ends."))
        if (data["until"] - data["since"]).days > MAX_DAYS:
            raise ValidationError(_("Choose a period of at most a year."))
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["since"], self.cleaned_data["until"])


class CitizenLookupForm(PeriodForm):
    cpr = forms.CharField(label=_("The citizen's CPR number"), max_length=20)

    field_order = ["cpr", "since", "until"]

    def clean_cpr(self):
        number = cprlib.validate(self.cleaned_data["cpr"])
        citizen = Citizen.objects.filter(cpr=number).first()
        if citizen is None:
            raise ValidationError(
                _("No citizen with the CPR number %(cpr)s is registered.")
                % {"cpr": cprlib.format_cpr(number)}
            )
        self.citizen = citizen
        return number


class UserLookupForm(PeriodForm):
    user = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.order_by("username"), empty_label=None
    )

    field_order = ["user", "since", "until"]
