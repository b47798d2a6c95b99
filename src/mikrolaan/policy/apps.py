from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "mikrolaan.policy"
    label = "policy"
