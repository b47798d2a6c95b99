from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mikrolaan.accounts.models import Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Mikrolån", {"fields": ("role", "unit")}))
    list_display = ("username", "first_name", "last_name", "role", "unit", "is_active")
    list_filter = ("role", "unit", "is_active")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "active")
