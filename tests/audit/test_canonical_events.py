"""Generated JSON written through `record()` reads back from the database exactly as hashed, and
events written by earlier releases (hash scheme 1) keep verifying."""

import json
import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.canonical import canonical_details, canonical_json
from audit.chain import CURRENT_SCHEME, GENESIS_HASH, event_hash
from audit.models import AuditEvent
from audit.record import RequestContext, record
from audit.verify import verify_chain
from tests.audit.tampering import tamper

NOTABLE_NUMBERS = [
    1e16,
    -1e16,
    1e-7,
    1.5e-5,
    1e300,
    -1e300,
    5e-324,
    1.7976931348623157e308,
    -0.0,
    0.0,
    3.0,
    0.1,
    2.0**53,
    2**53 + 1,
    2**64,
    -(2**63) - 1,
    10**40 + 1,
    math.nan,
    math.inf,
    -math.inf,
]
texts = st.text(st.one_of(st.characters(), st.sampled_from(["\x00", "\ud800", "\udfff", "😀"])))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.sampled_from(NOTABLE_NUMBERS),
    st.decimals(),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(texts.map(lambda text: text[:12]), children, max_size=4)
    ),
    max_leaves=24,
)
details_objects = st.dictionaries(texts.map(lambda text: text[:12]), json_values, max_size=5)


def exact(value: Any) -> str:
    """A spelling that tells 1 from 1.0 and refuses NaN: two values agree only if it does."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(details=details_objects)
def test_generated_details_read_back_as_hashed(details: dict[str, Any]) -> None:
    event = record(RequestContext.system(), "test.generated", details=details)
    stored = AuditEvent.objects.values_list("details", flat=True).get(pk=event.pk)
    assert exact(stored) == exact(canonical_details(details))
    assert exact(canonical_json(stored)) == exact(stored)
    verification = verify_chain()
    assert verification.ok, verification


def test_canonical_numbers_and_text() -> None:
    assert canonical_json(
        {
            "whole": 1e16,
            "negative zero": -0.0,
            "three": 3.0,
            "small": 1e-7,
            "nan": math.nan,
            "up": math.inf,
            "down": -math.inf,
            "money": Decimal("12.50"),
            "big": 2**64,
            "pair": (1, "a\x00b", "\ud800"),
            1: True,
            None: False,
        }
    ) == {
        "whole": 10**16,
        "negative zero": 0,
        "three": 3,
        "small": 1e-7,
        "nan": "NaN",
        "up": "Infinity",
        "down": "-Infinity",
        "money": "12.50",
        "big": 2**64,
        "pair": [1, "a\ufffdb", "\ufffd"],
        "1": True,
        "null": False,
    }


def _legacy_event(
    *, seq: int, prev_hash: str, hashed_details: Any, stored_details: Any, hashed_ip: str
) -> AuditEvent:
    """An event as an earlier release stored it: hashed over the values it meant to store,
    stored as the database gave them back (jsonb: 1e16 -> 10000000000000000)."""
    at = timezone.now() - timedelta(days=1)
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor_username": "alice",
        "user_agent": "curl",
        "action": "document.update",
        "object_type": "document",
        "object_id": "7",
    }
    digest = event_hash(
        scheme=1, prev_hash=prev_hash, ip=hashed_ip, details=hashed_details, **fields
    )
    return AuditEvent.objects.create(
        prev_hash=prev_hash,
        hash=digest,
        hash_scheme=1,
        ip="::ffff:10.0.0.7",
        details=stored_details,
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_events_of_earlier_releases_keep_verifying() -> None:
    """Numbers jsonb re-encoded and addresses Django re-spelled under hash scheme 1 verify, and
    new events chain onto them."""
    first = _legacy_event(
        seq=1,
        prev_hash=GENESIS_HASH,
        hashed_details={"changed": {"metadata": {"amount": 1e16, "credit": -0.0, "n": 2**60}}},
        stored_details={"changed": {"metadata": {"amount": 10**16, "credit": 0.0, "n": 2**60}}},
        hashed_ip="::ffff:a00:7",
    )
    record(RequestContext(ip="::ffff:10.0.0.8"), "search", details={"amount": 1e16})
    assert verify_chain().ok
    assert AuditEvent.objects.get(seq=2).hash_scheme == CURRENT_SCHEME and first.hash_scheme == 1


@pytest.mark.django_db(transaction=True)
def test_a_changed_value_in_an_event_of_an_earlier_release_is_caught() -> None:
    _legacy_event(
        seq=1,
        prev_hash=GENESIS_HASH,
        hashed_details={"amount": 1e16},
        stored_details={"amount": 10**16 + 2},
        hashed_ip="::ffff:a00:7",
    )
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 1


@pytest.mark.django_db(transaction=True)
def test_an_event_claiming_another_hash_scheme_is_caught() -> None:
    record(RequestContext.system(), "search", details={"q": "x"})
    event = record(RequestContext.system(), "search", details={"q": "y"})
    for scheme in (1, 2, 99):
        tamper(event, hash_scheme=scheme)
        result = verify_chain()
        assert not result.ok and result.first_bad_seq == event.seq
