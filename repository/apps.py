from django.apps import AppConfig
from django.db.models.signals import post_migrate

from core import trigger_check
from repository.counts import TRIGGERS, reinstall_after_migrate


class RepositoryConfig(AppConfig):
    name = "repository"

    def ready(self) -> None:
        post_migrate.connect(reinstall_after_migrate, sender=self, weak=False)
        trigger_check.register(self.label, TRIGGERS)
