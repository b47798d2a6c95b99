from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mikrolaan.audit"
    label = "audit"
