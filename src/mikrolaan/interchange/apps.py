from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "mikrolaan.interchange"
    label = "interchange"
