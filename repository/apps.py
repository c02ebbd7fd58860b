from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RepositoryConfig(AppConfig):
    name = "repository"

    def ready(self) -> None:
        from repository.counts import reinstall_after_migrate

        post_migrate.connect(reinstall_after_migrate, sender=self, weak=False)
