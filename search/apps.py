from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self) -> None:
        from repository import outbox
        from search import tasks

        # The repository's outbox is written below search; search drains it once rows commit.
        outbox.when_queued(tasks.schedule_drain)
