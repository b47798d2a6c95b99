from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.services import change_role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log

# Changes to these decide what a user may see; each gets an audit record.
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Mikrolån", {"fields": ("role", "unit")}))
    list_display = ("username", "first_name", "last_name", "role", "unit", "is_active")
    list_filter = ("role", "unit", "is_active")

    def get_readonly_fields(self, request, obj=None):
        """Nobody changes their own role or unit (``accounts.services.change_role``)."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return (*fields, "role", "unit", "is_superuser", "is_staff")
        return fields

    def save_model(self, request, obj, form, change):
        """Role and unit change through ``change_role``, which writes the audit record."""
        role, unit = obj.role, obj.unit
        changes_role = change and {"role", "unit"} & set(form.changed_data)
        if changes_role:
            stored = User.objects.get(pk=obj.pk)
            obj.role, obj.unit = stored.role, stored.unit
        super().save_model(request, obj, form, change)
        why = gettext("changed in the administration")
        if changes_role:
            change_role(obj, role=role, unit=unit, acting_user=request.user, why=why)
        access = [name for name in ACCESS_FIELDS if name in form.changed_data]
        if change and access:
            log(request.user, Action.CHANGE, obj=obj, what="access: " + ", ".join(access), why=why)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
