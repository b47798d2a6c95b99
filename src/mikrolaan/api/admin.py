"""The administrator registers systems here too; the secret is shown once, as a message."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.accounts.models import Unit
from mikrolaan.api import scopes
from mikrolaan.api.clients import create_client
from mikrolaan.api.models import ApiClient


class ApiClientForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label=gettext_lazy("scopes"),
        choices=list(scopes.SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("unit"), queryset=Unit.objects.all(), required=False
    )

    class Meta:
        model = ApiClient
        fields = ["name"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "client_id", "unit", "active", "created_at"]
    readonly_fields = ["client_id", "scopes", "user", "created_at", "created_by", "active"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientForm
            kwargs["fields"] = ["name", "scope_choices", "unit"]
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scope_choices", "unit"]
        return ["name", "client_id", "scopes", "user", "active", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        registered = create_client(
            form.cleaned_data["name"],
            scopes=form.cleaned_data["scope_choices"],
            unit=form.cleaned_data["unit"],
            acting_user=request.user,
        )
        obj.__dict__.update(registered.client.__dict__)
        messages.warning(
            request,
            _("client_id %(id)s, client_secret %(secret)s — shown only now.")
            % {"id": obj.client_id, "secret": registered.secret},
        )

    def has_delete_permission(self, request, obj=None):
        return False
