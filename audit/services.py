"""The records managers' use cases on the audit trail: find events, verify the chain.

Records managers (`role:records_manager`) and administrators see every event, whoever it
concerns and whatever the document ACLs say: answering "who read this document, from where" is
their job, and the events carry ids and actions, never document contents.
"""

from typing import Any

from django.db.models import Q, QuerySet

from audit.canonical import canonical_ip
from audit.keyed import keyed_digest
from audit.models import AuditEvent
from audit.verify import Verification, verify_chain
from core.api import query_moment
from core.errors import Invalid
from permissions.access import require_records_manager


def find_events(*, actor: Any, params: Any) -> QuerySet[AuditEvent]:
    """The events matching the filters (actor, action, object, moment, address), for records
    managers and administrators; 400 on a bad address or moment."""
    require_records_manager(actor)
    events = AuditEvent.objects.all()
    for name, field in (
        ("actor", "actor_username"),
        ("action", "action"),
        ("object_type", "object_type"),
        ("object_id", "object_id"),
    ):
        value = params.get(name)
        if value:
            events = events.filter(**{field: value})
    raw_ip = params.get("ip")
    if raw_ip:
        ip = canonical_ip(raw_ip)
        if ip is None:
            raise Invalid({"ip": ["Not an IP address."]})
        # Events written before addresses were canonical keep IPv4 clients as ::ffff:a.b.c.d;
        # those past the retention keep the address's pseudonym (`audit.keyed`).
        events = events.filter(
            Q(ip__in=[ip] if ":" in ip else [ip, f"::ffff:{ip}"]) | Q(ip_digest=keyed_digest(ip))
        )
    after = query_moment(params, "after")
    if after:
        events = events.filter(at__gte=after)
    before = query_moment(params, "before")
    if before:
        events = events.filter(at__lt=before)
    return events


def verify(*, actor: Any) -> Verification:
    """Walk the whole chain (records managers and administrators)."""
    require_records_manager(actor)
    return verify_chain()
