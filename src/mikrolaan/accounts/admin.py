"""The Django admin for users and units.

A role decides which citizens' data a user sees, so the admin never edits it directly: role
and unit change only through ``accounts.services.change_role`` (with a reason and an audit
record), never for one's own user. Superuser and staff flags, groups and permissions are not
editable here either: an administrator cannot give themselves more than they have
(``mikrolaan createsuperuser`` on the server makes the first administrator).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.services import RoleChangeRefused, change_role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log

LOCKED_FIELDS = (
    "role",
    "unit",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "last_login",
    "date_joined",
)


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(active=True), required=False
    )
    why = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Recorded in the audit log with who changed whose role, from what, to what."),
    )

    def clean_why(self):
        why = self.cleaned_data["why"].strip()
        if not why:
            raise forms.ValidationError(_("Give a reason for the change."))
        return why


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        ("Mikrolån", {"fields": ("role", "unit", "role_change")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = (*LOCKED_FIELDS, "role_change")
    list_display = ("username", "first_name", "last_name", "role", "unit", "is_active")
    list_filter = ("role", "unit", "is_active")

    @admin.display(description=_("Change role or unit"))
    def role_change(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:accounts_user_role", args=[obj.pk]),
            _("Change role or unit (with a reason)"),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            # Nor may one deactivate oneself and leave the system without an administrator.
            return (*self.readonly_fields, "is_active")
        return self.readonly_fields

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        # Django's admin log is not the audit log: every change to a user is recorded there too.
        super().save_model(request, obj, form, change)
        if change:
            fields = ", ".join(sorted(form.changed_data))
            if fields:
                log(
                    request.user,
                    Action.CHANGE,
                    obj=obj,
                    what=f"user changed in the admin: {fields}",
                )
        else:
            log(request.user, Action.CREATE, obj=obj, what="user created in the admin")

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password lets one sign in as them: recorded in the audit log.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                log(
                    request.user,
                    Action.CHANGE,
                    obj=User.objects.get(pk=id),
                    what="password set in the admin",
                )
        return response

    def get_urls(self):
        return [
            path(
                "<int:user_id>/role/",
                self.admin_site.admin_view(self.role_view),
                name="accounts_user_role",
            ),
            *super().get_urls(),
        ]

    def role_view(self, request, user_id):
        user = get_object_or_404(User, pk=user_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if user.pk == request.user.pk:
            messages.error(request, _("Nobody changes their own role or unit."))
            return redirect("admin:accounts_user_change", user.pk)
        form = RoleChangeForm(
            request.POST or None, initial={"role": user.role, "unit": user.unit_id}
        )
        if request.method == "POST" and form.is_valid():
            try:
                changed = change_role(
                    user,
                    role=form.cleaned_data["role"],
                    unit=form.cleaned_data["unit"],
                    acting_user=request.user,
                    why=form.cleaned_data["why"],
                )
            except RoleChangeRefused:
                messages.error(request, _("Nobody changes their own role or unit."))
            else:
                if changed:
                    messages.success(request, _("The role was changed and the change recorded."))
                else:
                    messages.info(request, _("Role and unit were already as chosen."))
            return redirect("admin:accounts_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": user,
            "form": form,
            "title": _("Change role or unit"),
        }
        return TemplateResponse(request, "admin/accounts/user/change_role.html", context)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
