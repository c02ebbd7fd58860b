"""Hit summaries are read as plain rows; they must equal the serializer's output for models."""

from typing import Any

from django.contrib.auth.models import User

from repository.models import Document, DocumentType, Tag
from search.serializers import SearchDocumentSerializer, summaries_of_rows
from search.services import _visible_rows
from tests.helpers import upload


def _generic(document: Document) -> dict[str, Any]:
    """DRF's own per-field serialization of the model, the reference output."""
    return dict(SearchDocumentSerializer(document).data)


def test_row_summaries_equal_the_model_serializer(alice: Any, users: dict[str, User]) -> None:
    """Type, tags, registration number, version or none: the row path renders the same JSON."""
    uploaded = [upload(alice, f"text {n}".encode(), f"n{n}.txt").json()["id"] for n in range(2)]
    contract = DocumentType.objects.create(slug="contract", name="Contract")
    tags = [Tag.objects.create(name=name) for name in ("zeta", "alpha", "mid")]
    first = Document.objects.get(pk=uploaded[0])
    first.document_type = contract
    first.registration_number = "K-1"
    first.save()
    first.tags.set(tags)
    bare = Document.objects.create(title="no version", owner=users["bob"])
    ids = [*uploaded, bare.pk]
    rows = _visible_rows(users["admin"], ids)
    assert sorted(rows) == sorted(ids)
    fast = summaries_of_rows([rows[pk] for pk in ids])
    expected = [_generic(Document.objects.get(pk=pk)) for pk in ids]
    assert fast == expected
    assert fast[0]["tags"] == ["alpha", "mid", "zeta"]
    assert fast[2]["current_version"] is None


def test_rows_only_for_documents_the_caller_may_see(alice: Any, users: dict[str, User]) -> None:
    """The ACL check runs again on the hits: bob gets no row for alice's document."""
    document = upload(alice, b"secret", "s.txt").json()["id"]
    assert _visible_rows(users["bob"], [document]) == {}
    assert list(_visible_rows(users["alice"], [document])) == [document]
