from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mikrolaan.web"
    label = "web"
