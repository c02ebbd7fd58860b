"""Version tickets and reindex jobs of the search index (the outbox it drains is the
repository's: `repository.outbox`)."""

from django.db import models


class VersionTicket(models.Model):
    """A source of external versions that grows in real time across processes and hosts.

    A drain takes a ticket before it reads the documents' state, so a write with a higher
    version always carries state at least as new; the engine keeps the highest version.
    Rows are deleted right away; the auto-increment key never goes back.
    """

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"ticket {self.pk}"


class ReindexJob(models.Model):
    """A rebuild into a new physical index, resumable from `last_document_id`."""

    target = models.CharField(max_length=200, unique=True)
    backend = models.CharField(max_length=32)
    last_document_id = models.BigIntegerField(default=0)
    indexed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"reindex into {self.target}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
