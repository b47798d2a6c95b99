from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.core.widgets import DateInput
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.policy.services import PolicyError, add_policy_version

FIELDS = [
    "valid_from",
    "name",
    "legal_basis",
    "min_amount",
    "max_amount",
    "term_months",
    "max_deferral_months",
    "due_day",
    "months_to_first_instalment",
    "advance_payment_days",
    "reminder_first_days",
    "reminder_interval_days",
    "reminder_max",
    "reminder_fee",
    "contact_after_reminder_days",
    "subsistence_max_months",
    "notes",
]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = LoanPolicy
        fields = FIELDS
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-input"
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
            field.widget.attrs["class"] = css


def _require(user):
    if not (user.is_authenticated and user.role in (Role.ADMINISTRATOR, Role.MANAGER)):
        raise PermissionDenied


def policy_list(request):
    _require(request.user)
    policies = list(LoanPolicy.objects.order_by("-valid_from"))
    return render(request, "policy/list.html", {"policies": policies, "fields": FIELDS})


def policy_new(request):
    _require(request.user)
    newest = LoanPolicy.objects.order_by("-valid_from").first()
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in FIELDS}
            try:
                add_policy_version(acting_user=request.user, **data)
            except PolicyError as exc:
                form.add_error("valid_from", str(exc))
            else:
                messages.success(request, _("The new policy version is saved."))
                return redirect("policy:list")
    else:
        initial = {name: getattr(newest, name) for name in FIELDS} if newest else {}
        initial.pop("valid_from", None)
        form = PolicyForm(initial=initial)
    return render(request, "policy/form.html", {"form": form})
