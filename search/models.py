"""The transactional outbox of the search index, version tickets and reindex jobs."""

from django.db import models


class IndexOutbox(models.Model):
    """One pending (re)index of a document, written in the transaction of the change.

    The indexer deletes the rows it has completed. While the engine is down rows stay, with
    their attempts and the moment of the next try. A row whose document the engine refuses, or
    whose record cannot be built, is set aside (`set_aside_at`, the reason in `last_error`): it
    is not tried again, and the next successful index of that document removes it.
    """

    document_id = models.BigIntegerField(db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    set_aside_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"outbox #{self.pk}: document {self.document_id}"


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
