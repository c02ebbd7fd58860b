"""Documents are found by the names of the CRM records they are linked to, and stop being found
by a name once it changes, the link goes or the person is erased (tantivy or ES)."""

from typing import Any

from rest_framework.test import APIClient

from tests.crm.helpers import CRM, create
from tests.helpers import upload
from tests.search.test_search_api import found, ids


def _document(client: APIClient, title: str) -> int:
    response = upload(client, b"quarterly figures and nothing else", "figures.txt", title=title)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _link(client: APIClient, document: int, kind: str, record: int) -> Any:
    response = client.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": kind, "target_id": record, "relation": "related"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_document_is_found_by_its_deals_name_and_follows_a_rename(alice: APIClient) -> None:
    deal = create(alice, "deals", title="Zanzibar supply")
    document = _document(alice, "Figures")
    found(alice, "Zanzibar", count=0)
    link = _link(alice, document, "deal", deal["id"])
    assert ids(found(alice, "Zanzibar")) == {document}
    renamed = alice.patch(f"{CRM}/deals/{deal['id']}/", {"title": "Okapi supply"}, format="json")
    assert renamed.status_code == 200
    assert ids(found(alice, "Okapi")) == {document}
    found(alice, "Zanzibar", count=0)
    removed = alice.delete(f"/api/v1/documents/{document}/links/{link['id']}/")
    assert removed.status_code == 204
    found(alice, "Okapi", count=0)


def test_a_contacts_name_finds_the_document_until_the_person_is_erased(
    alice: APIClient, admin: APIClient
) -> None:
    contact = create(alice, "contacts", name="Quentin", last_name="Marlowe")
    document = _document(alice, "Correspondence")
    _link(alice, document, "contact", contact["id"])
    assert ids(found(alice, "Marlowe")) == {document}
    erased = admin.post(f"{CRM}/contacts/{contact['id']}/erase/")
    assert erased.status_code == 200, erased.content
    pseudonym = erased.json()["pseudonym"]
    assert ids(found(alice, pseudonym.split()[1])) == {document}
    for name in ("Marlowe", "Quentin"):
        found(alice, name, count=0)
        found(admin, name, count=0)
