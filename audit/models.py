from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Rows are never updated or deleted."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    user_agent = models.CharField(max_length=512, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # How `hash` was computed (audit.chain): events keep verifying when the encoding improves.
    hash_scheme = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class HoldTarget(models.TextChoices):
    DOCUMENT = "document", "Document"
    FOLDER = "folder", "Folder"


class LegalHold(models.Model):
    """A hold on a document or a folder (and all below it): nothing under it may be deleted.

    A hold is lifted, never deleted, so the list shows the whole history.
    """

    object_type = models.CharField(max_length=16, choices=HoldTarget.choices)
    object_id = models.BigIntegerField()
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "lifted_at"])]

    def __str__(self) -> str:
        return f"hold on {self.object_type}:{self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
