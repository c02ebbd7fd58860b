"""Near duplicates through the API: a re-typed copy of a letter is reported on upload and by
`GET /documents/{id}/duplicates/`, among the documents the caller may view only."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from repository.models import Document, SignatureBand, TextSignature
from tests.conftest import PRODUCTION, wait_for
from tests.helpers import docx_bytes, new_version, upload

INVOICE = (
    "Invoice 2024-117. Northwind Traders Ltd, 12 Harbour Road, Bristol. To: Contoso GmbH, "
    "Hauptstrasse 5, Berlin. For consulting services delivered in March 2024: analysis of the "
    "warehouse processes, two workshops with the logistics team and a written report with "
    "recommendations. Net amount 4,800.00 EUR, VAT 19 percent 912.00 EUR, total 5,712.00 EUR. "
    "Payable within thirty days to account DE89 3704 0044 0532 0130 00. Thank you for your "
    "business."
)
# The same invoice typed again: other line breaks and capitals, two typos, a word changed.
RETYPED = (
    "INVOICE 2024-117\nNorthwind Traders Ltd  12 Harbour Road  Bristol\n\nTo: Contoso GmbH, "
    "Hauptstrasse 5, Berlin\nFor consulting services deliverd in March 2024 - analysis of the "
    "warehouse processes, two workshops with the logistics team and a written report with "
    "recomendations.\nNet amount 4,800.00 EUR, VAT 19 percent 912.00 EUR, total 5,712.00 EUR.\n"
    "Payable within 30 days to account DE89 3704 0044 0532 0130 00. Thanks for your business."
)
UNRELATED = (
    "Minutes of the board meeting held on 4 April. Present: the chair, the treasurer and three "
    "members. The treasurer presented the accounts for the first quarter; the board approved "
    "the budget for the summer school and asked for quotes for the new roof of the hall."
)


def created(client: APIClient, content: str, filename: str = "invoice.txt", **fields: Any) -> Any:
    response = upload(client, content.encode(), filename, **fields)
    assert response.status_code == 201, response.content
    return response.json()


def duplicates(client: APIClient, document_id: int) -> Any:
    response = client.get(f"/api/v1/documents/{document_id}/duplicates/")
    assert response.status_code == 200, response.content
    return response.json()


def near(found: list[dict[str, Any]]) -> dict[int, float]:
    assert all(item["kind"] == "near" for item in found), found
    return {item["document"]: item["similarity"] for item in found}


def test_a_retyped_invoice_is_reported_as_a_near_duplicate(alice: APIClient) -> None:
    """On upload and from either side later, with the estimated similarity."""
    original = created(alice, INVOICE)
    created(alice, UNRELATED, "minutes.txt")

    copy = created(alice, RETYPED, "retyped.txt")

    reported = near(copy["duplicates"])
    assert list(reported) == [original["id"]]
    assert 0.8 <= reported[original["id"]] < 1
    assert duplicates(alice, copy["id"]) == copy["duplicates"]
    assert near(duplicates(alice, original["id"])) == {copy["id"]: reported[original["id"]]}


def test_the_same_text_in_another_format_is_near_and_the_same_bytes_exact(
    alice: APIClient,
) -> None:
    """A .docx with the text of a .txt is near (similarity 1); the same bytes only exact."""
    text_file = created(alice, INVOICE)
    word_file = upload(alice, docx_bytes(INVOICE), "invoice.docx").json()
    assert word_file["duplicates"] == [
        {"document": text_file["id"], "kind": "near", "similarity": 1.0}
    ]
    again = created(alice, INVOICE, "again.txt")
    assert again["duplicates"] == [
        {"document": text_file["id"], "kind": "exact", "similarity": 1.0},
        {"document": word_file["id"], "kind": "near", "similarity": 1.0},
    ]


def test_near_duplicates_of_documents_out_of_sight_are_never_named(
    alice: APIClient, bob: APIClient
) -> None:
    """Not in the upload's answer, not in the list, not as a refusal; a share makes it appear."""
    secret = created(bob, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt", on_duplicate="reject")
    assert copy["duplicates"] == []
    assert duplicates(alice, copy["id"]) == []
    assert alice.get(f"/api/v1/documents/{secret['id']}/duplicates/").status_code == 404
    # bob sees his own side of the pair only as long as alice's copy is hers alone
    assert duplicates(bob, secret["id"]) == []

    shared = bob.put(
        f"/api/v1/documents/{secret['id']}/acl/",
        {"inherit": True, "entries": [{"principal": "user:alice", "permissions": ["view"]}]},
        format="json",
    )
    assert shared.status_code == 200, shared.content
    assert list(near(duplicates(alice, copy["id"]))) == [secret["id"]]


def test_a_document_in_the_trash_drops_out(alice: APIClient) -> None:
    original = created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")
    assert alice.delete(f"/api/v1/documents/{original['id']}/").status_code == 204
    assert duplicates(alice, copy["id"]) == []
    assert alice.get(f"/api/v1/documents/{original['id']}/duplicates/").status_code == 404


def test_only_the_current_version_counts(alice: APIClient) -> None:
    """A new version with another text leaves the pair; its text is compared instead."""
    original = created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")
    assert new_version(alice, original["id"], UNRELATED.encode(), "minutes.txt").status_code == 201
    assert duplicates(alice, copy["id"]) == []
    minutes = created(alice, UNRELATED + " Signed by the chair.", "minutes-signed.txt")
    assert list(near(minutes["duplicates"])) == [original["id"]]


@override_settings(KONTOR_NEAR_DUPLICATE_THRESHOLD=0.99)
def test_the_threshold_is_configurable(alice: APIClient) -> None:
    created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")
    assert copy["duplicates"] == []


def test_a_short_text_has_no_near_duplicates(alice: APIClient) -> None:
    first = created(alice, "Call me back, please.", "a.txt")
    second = created(alice, "Call me back please!", "b.txt")
    assert second["duplicates"] == []
    signature = TextSignature.objects.get(document_id=first["id"])
    assert signature.minhashes is None
    assert not SignatureBand.objects.filter(signature=signature).exists()


@override_settings(KONTOR_INLINE_TEXT_BYTES=0)
def test_text_read_by_the_worker_is_signed_too(alice: APIClient) -> None:
    """The background extraction signs the text; in embedded mode it runs before the answer."""
    original = created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")
    if not PRODUCTION:
        assert list(near(copy["duplicates"])) == [original["id"]]
    found = wait_for(lambda: duplicates(alice, copy["id"]))
    assert list(near(found)) == [original["id"]]


def test_the_lookup_is_an_indexed_query(alice: APIClient) -> None:
    """The band lookup uses the (band_no, band_hash) index, not a scan of the bands."""
    from django.db import connection

    from repository import minhash
    from repository.near_duplicates import similar_documents

    created(alice, INVOICE)
    signature = minhash.signature(RETYPED)
    assert signature is not None
    with connection.execute_wrapper(_collect := _Statements()):
        similar_documents(_user("alice"), signature)
    lookup = next(sql for sql in _collect.statements if "band_hash" in sql)
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        if connection.vendor == "postgresql":
            # A table of a few rows is read whole by PostgreSQL; the question is whether the
            # lookup can use the index at all.
            cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(explain + lookup, _collect.params[_collect.statements.index(lookup)])
            plan = " ".join(str(row) for row in cursor.fetchall())
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
    assert "signature_band_idx" in plan, plan


class _Statements:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.params: list[Any] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append(sql)
        self.params.append(params)
        return execute(sql, params, many, context)


def _user(username: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


@pytest.mark.parametrize("batch_size", [1, 200])
def test_the_backfill_signs_old_documents_and_resumes(alice: APIClient, batch_size: int) -> None:
    """Documents stored before signing existed get signed; a second run finds nothing to do,
    and a run after an interruption signs only what is left."""
    original = created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")
    created(alice, UNRELATED, "minutes.txt")
    TextSignature.objects.all().delete()
    assert duplicates(alice, copy["id"]) == []

    call_command("backfill_near_duplicates", "--no-progress", f"--batch-size={batch_size}")

    assert TextSignature.objects.count() == 3
    assert list(near(duplicates(alice, copy["id"]))) == [original["id"]]
    TextSignature.objects.filter(document_id=copy["id"]).delete()  # as if stopped before it
    before = set(TextSignature.objects.values_list("pk", "created_at"))
    call_command("backfill_near_duplicates", "--no-progress")
    assert before < set(TextSignature.objects.values_list("pk", "created_at"))
    assert Document.objects.filter(pk=copy["id"], current_version__text_signature__isnull=False)


def test_a_pair_close_to_the_threshold_is_decided_by_the_exact_similarity(
    alice: APIClient, settings: Any
) -> None:
    """Near the threshold the texts themselves decide, not the signature's estimate."""
    from repository import minhash

    exact = minhash.jaccard(INVOICE, RETYPED)
    original = created(alice, INVOICE)
    copy = created(alice, RETYPED, "retyped.txt")

    settings.KONTOR_NEAR_DUPLICATE_THRESHOLD = exact - 0.005
    assert duplicates(alice, copy["id"]) == [
        {"document": original["id"], "kind": "near", "similarity": round(exact, 3)}
    ]
    settings.KONTOR_NEAR_DUPLICATE_THRESHOLD = exact + 0.005
    assert duplicates(alice, copy["id"]) == []
