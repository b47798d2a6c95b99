from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mikrolaan.jobs"
    label = "jobs"
