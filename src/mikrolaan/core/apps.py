from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "mikrolaan.core"
    label = "core"

    def ready(self):
        from mikrolaan.core import (
            checks,  # noqa: F401 - registers the checks
            command_language,
            lookups,  # noqa: F401 - registers field__any
        )
        from mikrolaan.core.append_only import install_after_migrate

        # Every command's help in Danish, however it is called (console, call_command, tests).
        command_language.install()

        # Once per migrate (sender=self), after every app's migrations have run.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="append_only")
