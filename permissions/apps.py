from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PermissionsConfig(AppConfig):
    name = "permissions"

    def ready(self) -> None:
        from permissions.generation import TOKEN_TRIGGERS, TRIGGERS

        for triggers in (TRIGGERS, TOKEN_TRIGGERS):
            post_migrate.connect(triggers.reinstall_after_migrate, sender=self, weak=False)
