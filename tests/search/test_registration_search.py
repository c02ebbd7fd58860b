"""Search finds a registered document by its number, by every journal's number it was given,
and only for those who may see the document."""

from rest_framework.test import APIClient

from lifecycle.models import Journal
from tests.permissions.acl_helpers import make_document
from tests.search.test_search_api import found, ids, search


def _journal(code: str) -> None:
    Journal.objects.get_or_create(
        code=code, defaults={"name": code, "format": "{code}-{year}-{number:06d}"}
    )


def test_a_registered_document_is_found_by_each_of_its_numbers(
    alice: APIClient, bob: APIClient
) -> None:
    _journal("IN")
    _journal("OUT")
    document = make_document(alice, "Letter from the tax office")
    make_document(alice, "Another letter")
    incoming = alice.post(
        f"/api/v1/documents/{document}/register/", {"journal": "IN"}, format="json"
    ).json()["number"]
    outgoing = alice.post(
        f"/api/v1/documents/{document}/register/", {"journal": "OUT"}, format="json"
    ).json()["number"]

    for number in (incoming, outgoing):
        body = found(alice, number)
        assert ids(body) == {document}
        assert body["results"][0]["document"]["registration_number"] == outgoing
    assert search(bob, incoming)["count"] == 0
