from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "mikrolaan.courses"
    label = "courses"
