from django.apps import AppConfig
from django.db.models.signals import post_migrate

from audit.triggers import APPEND_ONLY
from core import trigger_check


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self) -> None:
        post_migrate.connect(APPEND_ONLY.reinstall_after_migrate, sender=self, weak=False)
        trigger_check.register(self.label, APPEND_ONLY)
