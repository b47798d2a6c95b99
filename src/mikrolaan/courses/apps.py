from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "mikrolaan.courses"
    label = "courses"

    def ready(self):
        from mikrolaan.courses import case_page, home, receivers  # noqa: F401 - registers
