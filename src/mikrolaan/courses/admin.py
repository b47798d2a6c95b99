from django.contrib import admin

from mikrolaan.courses.models import Activity, Cohort


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "default_sessions", "mandatory", "ends_before_main_course", "active"]
    list_editable = ["active"]
    ordering = ["sort_order", "name"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["code", "pre_course_start", "main_course_start", "main_course_end", "capacity"]
