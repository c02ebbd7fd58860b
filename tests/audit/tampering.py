"""Rewriting stored events behind the application's back, as an intruder with database access."""

from typing import Any

from django.db import connection

from audit.models import AuditEvent


def tamper(event: AuditEvent, **changes: Any) -> None:
    """UPDATE one event; on PostgreSQL the append-only trigger is lifted around it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    AuditEvent.objects.filter(pk=event.pk).update(**changes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
