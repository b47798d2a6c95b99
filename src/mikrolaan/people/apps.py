from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mikrolaan.people"
    label = "people"
