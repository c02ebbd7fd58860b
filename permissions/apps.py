from django.apps import AppConfig
from django.db.models.signals import post_migrate

from core import trigger_check
from permissions.generation import TOKEN_TRIGGERS, TRIGGERS


class PermissionsConfig(AppConfig):
    name = "permissions"

    def ready(self) -> None:
        for triggers in (TRIGGERS, TOKEN_TRIGGERS):
            post_migrate.connect(triggers.reinstall_after_migrate, sender=self, weak=False)
        trigger_check.register(self.label, TRIGGERS, TOKEN_TRIGGERS)
        # Approvers of a running route step view and download the version under review. Imported
        # here: the module reads models, which are loaded only once the apps are ready.
        from permissions.review import ROUTE
        from permissions.selectors import register_grant_source

        register_grant_source(ROUTE)
