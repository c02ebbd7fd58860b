"""Index records: the fingerprint that search_check compares."""

import dataclasses
from datetime import UTC, datetime
from typing import Any

from search.records import IndexRecord


def _record() -> IndexRecord:
    return IndexRecord(
        id=7,
        title="Contract",
        text="Поставщик обязуется поставить товары.\nThe supplier delivers.",
        meta="acme",
        language="ru",
        document_type="contract",
        status="draft",
        tags=["legal", "money"],
        owner="alice",
        folder=3,
        created_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        linked=["crm:1"],
        viewers=["user:1", "group:2"],
    )


def test_fingerprint_is_stable_for_equal_records() -> None:
    """Two records with the same content give the same signed 64-bit fingerprint."""
    fingerprint = _record().fingerprint
    assert fingerprint == _record().fingerprint
    assert -(2**63) <= fingerprint < 2**63


def test_fingerprint_changes_whenever_any_field_changes() -> None:
    """Every field is covered, the text included, so search_check sees any stale entry."""
    changed: dict[str, Any] = {
        "id": 8,
        "is_live": False,
        "title": "Contract 2",
        "text": "Поставщик обязуется поставить товары.\nThe supplier delivers!",
        "meta": "acme corp",
        "language": "en",
        "document_type": "invoice",
        "status": "approved",
        "tags": ["legal"],
        "owner": "bob",
        "folder": None,
        "created_at": datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC),
        "linked": [],
        "viewers": ["user:1"],
    }
    assert set(changed) == {item.name for item in dataclasses.fields(IndexRecord)}
    original = _record().fingerprint
    for name, value in changed.items():
        assert dataclasses.replace(_record(), **{name: value}).fingerprint != original, name


def test_fingerprint_keeps_text_apart_from_other_fields() -> None:
    """Text moved into another field, or a lone surrogate in it, still fingerprints soundly."""
    moved = dataclasses.replace(_record(), text="", meta=f"acme{_record().text}")
    assert moved.fingerprint != _record().fingerprint
    surrogate = dataclasses.replace(_record(), text="broken \ud800 text")
    assert surrogate.fingerprint != dataclasses.replace(_record(), text="broken  text").fingerprint
