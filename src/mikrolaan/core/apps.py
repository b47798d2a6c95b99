from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mikrolaan.core"
    label = "core"
