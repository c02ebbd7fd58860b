"""GET /api/v1/search/ as clients meet it, on the configured backend (tantivy or ES)."""

import json
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, IndexOutbox
from repository.outbox import document_changed
from tests.conftest import wait_for
from tests.helpers import docx_bytes, upload


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica, built by hand (xref offsets computed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def search(client: APIClient, query: str = "", **params: Any) -> Any:
    response = client.get("/api/v1/search/", {"q": query, **params})
    assert response.status_code == 200, response.content
    return response.json()


def found(client: APIClient, query: str, count: int = 1, **params: Any) -> Any:
    """Poll until the search answers `count` hits (indexing runs after commit)."""
    return wait_for(
        lambda: (lambda body: body if body["count"] == count else None)(
            search(client, query, **params)
        ),
        timeout=20,
    )


def ids(body: Any) -> set[int]:
    return {item["document"]["id"] for item in body["results"]}


def test_word_inside_docx_is_found_with_its_highlight(alice: APIClient) -> None:
    """A word from inside an uploaded .docx is found, marked, within a few seconds."""
    document = upload(
        alice, docx_bytes("Terms of the supply agreement", "Penalty: zebrafish clause"), "a.docx"
    ).json()
    body = found(alice, "zebrafish")
    assert ids(body) == {document["id"]}
    hit = body["results"][0]
    assert any("<mark>zebrafish</mark>" in fragment for fragment in hit["highlights"])
    assert hit["document"]["title"] == "a.docx" and hit["document"]["owner"] == "alice"
    assert hit["score"] is not None


def test_word_inside_pdf_is_found(alice: APIClient) -> None:
    document = upload(alice, pdf_bytes("Quarterly hippopotamus inventory"), "inv.pdf").json()
    body = found(alice, "hippopotamus")
    assert ids(body) == {document["id"]}
    assert "<mark>hippopotamus</mark>" in " ".join(body["results"][0]["highlights"])


def test_a_colleague_without_access_finds_nothing(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    """Bob sees no hit, no count and no facet of Alice's documents; an admin sees them."""
    upload(alice, b"secret walrus budget", "w.txt", tags="confidential")
    found(alice, "walrus")
    body = search(bob, "walrus")
    assert body["count"] == 0 and body["results"] == []
    assert body["facets"] == {"document_type": {}, "status": {}, "tags": {}}
    assert search(bob, "")["facets"]["tags"] == {}
    assert search(admin, "walrus")["count"] == 1


def test_title_metadata_and_tags_are_searchable(alice: APIClient) -> None:
    document_id = upload(
        alice,
        b"plain body",
        "m.txt",
        title="Lease of the Orangery",
        tags="kumquat",
        metadata=json.dumps({"counterparty": "Globex Ltd", "nested": {"city": "Springfield"}}),
    ).json()["id"]
    for word in ("orangery", "kumquat", "globex", "springfield"):
        assert ids(found(alice, word)) == {document_id}, word


def test_phrases_prefixes_and_boolean_operators(alice: APIClient) -> None:
    first = upload(alice, b"the red fox jumps over the lazy dog", "1.txt").json()["id"]
    second = upload(alice, b"a lazy red cat sleeps, contractual terms", "2.txt").json()["id"]
    third = upload(alice, b"contractor invoice for the dog kennel", "3.txt").json()["id"]
    # Words from each document's extracted text: the index has taken all three.
    found(alice, "lazy OR contractor", 3)
    assert ids(search(alice, '"red fox"')) == {first}
    assert ids(search(alice, '"lazy red"')) == {second}
    assert ids(search(alice, "contr*")) == {second, third}
    assert ids(search(alice, "lazy AND dog")) == {first}
    assert ids(search(alice, "lazy dog")) == {first}
    assert ids(search(alice, "fox OR kennel")) == {first, third}
    assert ids(search(alice, "dog NOT fox")) == {third}
    assert ids(search(alice, "dog -fox")) == {third}
    assert ids(search(alice, "(fox OR cat) AND lazy NOT jumps")) == {second}
    assert ids(search(alice, "NOT dog")) == {second}


def test_fuzzy_matches_misspellings_only_when_asked(alice: APIClient) -> None:
    document_id = upload(alice, b"warehouse inventory reconciliation", "f.txt").json()["id"]
    found(alice, "warehouse")
    assert search(alice, "reconcilation")["count"] == 0
    assert ids(search(alice, "reconcilation", fuzzy="true")) == {document_id}


def test_stemming_by_detected_language(alice: APIClient) -> None:
    """English and Russian words are found in other inflections."""
    english = upload(
        alice, b"The contractors were running the deliveries every morning.", "en.txt"
    ).json()["id"]
    russian = upload(
        alice, "Поставщик обязуется поставить товары в срок и без задержек.".encode(), "ru.txt"
    ).json()["id"]
    # The words are in the extracted text, indexed after extraction: poll for each.
    assert ids(found(alice, "delivery")) == {english}
    assert ids(found(alice, "поставщики")) == {russian}


def test_filters_narrow_and_facets_count_only_visible_documents(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    admin.post("/api/v1/document-types/", {"slug": "invoice", "name": "Invoice"}, format="json")
    for index in range(3):
        upload(
            alice,
            f"gadget order {index}".encode(),
            f"i{index}.txt",
            document_type="invoice",
            tags="money",
        )
    upload(alice, b"gadget memo", "memo.txt", tags="internal,money")
    upload(bob, b"gadget of bob", "bob.txt", document_type="invoice", tags="money")
    found(alice, "gadget", 4)
    body = search(alice, "gadget")
    assert body["facets"]["document_type"] == {"invoice": 3}
    assert body["facets"]["tags"] == {"money": 4, "internal": 1}
    assert body["facets"]["status"] == {"draft": 4}
    assert search(alice, "gadget", document_type="invoice")["count"] == 3
    assert search(alice, "gadget", tag="internal")["count"] == 1
    assert search(alice, "gadget", owner="bob")["count"] == 0
    assert search(alice, "gadget", status="approved")["count"] == 0
    assert search(alice, "gadget", created_after="2000-01-01")["count"] == 4
    assert search(alice, "gadget", created_before="2000-01-01")["count"] == 0
    assert alice.get("/api/v1/search/", {"q": "x", "status": "bogus"}).status_code == 400
    assert alice.get("/api/v1/search/", {"q": "x", "folder": "abc"}).status_code == 400


def test_sort_and_pagination(alice: APIClient) -> None:
    created = [
        upload(alice, f"pelican note {n}".encode(), f"p{n}.txt").json()["id"] for n in range(5)
    ]
    found(alice, "pelican", 5)
    newest_first = search(alice, "pelican", sort="-created_at", page_size=2)
    assert [item["document"]["id"] for item in newest_first["results"]] == created[::-1][:2]
    assert newest_first["next"] and newest_first["previous"] is None
    last = search(alice, "pelican", sort="-created_at", page_size=2, page=3)
    assert [item["document"]["id"] for item in last["results"]] == [created[0]]
    assert last["next"] is None and last["previous"]
    assert alice.get("/api/v1/search/", {"q": "pelican", "sort": "title"}).status_code == 400
    assert alice.get("/api/v1/search/", {"q": "pelican", "page_size": "100000"}).status_code == 200


def test_highlights_escape_everything_but_the_marks(alice: APIClient) -> None:
    upload(
        alice,
        b'<script>alert("x")</script> ocelot & <b>co</b>',
        "x.html.txt",
        title="<i>ocelot</i>",
    )
    body = found(alice, "ocelot")
    text = " ".join(body["results"][0]["highlights"])
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text and "<mark>ocelot</mark>" in text


MALFORMED = [
    '"unclosed',
    "foo AND (",
    ")(",
    "AND",
    "NOT",
    "OR OR",
    "*",
    "?",
    "\\",
    "title:",
    "a:b:c",
    "foo~2",
    "[1 TO",
    "{}",
    "/regex/",
    "((((((((((x))))))))))",
    "x" * 900,
    "\x00",
    "контр*",
    "-",
    "+",
    "&&",
    "||",
    '""',
    "AND foo",
    "foo NOT",
    "ü*",
    "(" * 40 + "x" + ")" * 40,
]


def test_malformed_queries_answer_400_or_are_read_literally(alice: APIClient) -> None:
    """No query string makes the search fail with a 500."""
    upload(alice, b"foo title x", "f.txt")
    for query in MALFORMED:
        for fuzzy in ("false", "true"):
            response = alice.get("/api/v1/search/", {"q": query, "fuzzy": fuzzy})
            assert response.status_code in (200, 400), (query, response.content)


def test_overlong_query_is_400(alice: APIClient) -> None:
    response = alice.get("/api/v1/search/", {"q": "word " * 300})
    assert response.status_code == 400
    assert response.json()["code"]


def test_unclosed_phrase_is_read_as_words(alice: APIClient) -> None:
    upload(alice, b"marmalade recipe", "r.txt")
    found(alice, "marmalade")
    assert search(alice, '"marmalade recipe')["count"] == 1


def test_search_is_audited(alice: APIClient) -> None:
    upload(alice, b"audited giraffe", "g.txt")
    found(alice, "giraffe")
    event = AuditEvent.objects.filter(action="search").last()
    assert event is not None and event.actor_username == "alice"
    assert event.details == {"q": "giraffe", "count": 1}


def test_search_needs_authentication() -> None:
    assert APIClient().get("/api/v1/search/?q=x").status_code == 401


def test_edits_and_trash_reach_the_index(alice: APIClient) -> None:
    document_id = upload(alice, b"original flamingo text", "e.txt").json()["id"]
    found(alice, "flamingo")
    alice.patch(f"/api/v1/documents/{document_id}/", {"title": "Renamed narwhal"}, format="json")
    found(alice, "narwhal")
    assert alice.delete(f"/api/v1/documents/{document_id}/").status_code == 204
    found(alice, "flamingo", 0)


def test_a_rolled_back_transaction_leaves_nothing_in_the_index(
    users: Any, alice: APIClient
) -> None:
    """Outbox rows are written in the change's transaction: a rollback takes them along."""
    with pytest.raises(RuntimeError), transaction.atomic():
        document = Document.objects.create(title="rollback axolotl", owner=users["alice"])
        document_changed(document.pk)
        raise RuntimeError("abort")
    assert not IndexOutbox.objects.exists()
    upload(alice, b"committed axolotl", "c.txt")
    body = found(alice, "axolotl")
    assert [item["document"]["title"] for item in body["results"]] == ["c.txt"]
    assert wait_for(lambda: not IndexOutbox.objects.exists(), timeout=20)
