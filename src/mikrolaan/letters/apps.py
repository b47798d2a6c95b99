from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "mikrolaan.letters"
    label = "letters"
