"""The append-only, hash-chained event log: the bottom of the domain layers."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Rows are never deleted, and updated only to replace
    personal data by pseudonyms (`audit.pseudonymise`), which keeps them verifying."""

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
    # The keyed digest of the address `ip` held before it was pseudonymised (`audit.keyed`).
    ip_digest = models.CharField(max_length=64, blank=True, default="")
    # Set when an event hashed over raw values (schemes 1, 2) was pseudonymised (`audit.keyed`).
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
