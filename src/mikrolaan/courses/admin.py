from django import forms
from django.contrib import admin

from mikrolaan.core.validators import safe_code
from mikrolaan.courses.models import Activity, Cohort


class CohortAdminForm(forms.ModelForm):
    """The admin keeps cohort codes to the safe set, as the cohort form does."""

    class Meta:
        model = Cohort
        fields = ["code", "pre_course_start", "main_course_start", "main_course_end", "capacity"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        safe_code(code)
        return code


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "default_sessions", "mandatory", "ends_before_main_course", "active"]
    list_editable = ["active"]
    ordering = ["sort_order", "name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    list_display = ["code", "pre_course_start", "main_course_start", "main_course_end", "capacity"]
