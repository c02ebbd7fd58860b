"""The duplicate warning after an upload and the document page's Duplicates section: what
`GET /api/v1/documents/{id}/duplicates/` answers the same person, never more."""

import re

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.repository.test_near_duplicates import INVOICE, RETYPED, UNRELATED
from tests.web.pages import api_document, named_file, share, signed_in, text

pytestmark = pytest.mark.rolled_back


def section(page: str) -> str:
    found = re.search(r'<h2 id="duplicates-heading">Duplicates</h2>(.*?)</section>', page, re.S)
    assert found, "no Duplicates section"
    return found.group(1)


def test_an_upload_of_a_retyped_letter_warns_of_a_possible_duplicate(
    users: dict[str, User], alice: APIClient
) -> None:
    """The warning names the near duplicate with its similarity, once; the section stays."""
    original = api_document(alice, INVOICE.encode(), "invoice.txt", title="March invoice")
    client = signed_in(users["alice"])

    response = client.post("/documents/upload/", {"file": named_file(RETYPED.encode(), "r.txt")})

    similarity = alice.get(
        f"{response['Location'].replace('/documents', '/api/v1/documents')}duplicates/"
    ).json()[0]["similarity"]
    percent = f"{int(similarity * 100)}%"
    page = text(client.get(response["Location"]))
    assert "Possible duplicate" in page
    assert (
        f'<a href="/documents/{original}/">March invoice</a> (similar text, {percent} alike)'
        in page
    )
    listed = section(page)
    assert f'<a href="/documents/{original}/">March invoice</a>' in listed
    assert "Similar text" in listed and f"<td>{percent}</td>" in listed
    again = text(client.get(response["Location"]))
    assert "Possible duplicate" not in again
    assert f'<a href="/documents/{original}/">March invoice</a>' in section(again)


def test_the_section_lists_the_same_file_and_similar_texts(
    users: dict[str, User], alice: APIClient
) -> None:
    first = api_document(alice, INVOICE.encode(), "a.txt", title="First")
    same = api_document(alice, INVOICE.encode(), "b.txt", title="Same bytes")
    similar = api_document(alice, RETYPED.encode(), "c.txt", title="Retyped")
    api_document(alice, UNRELATED.encode(), "d.txt", title="Minutes")

    listed = section(text(signed_in(users["alice"]).get(f"/documents/{first}/")))

    assert re.search(
        rf'/documents/{same}/">Same bytes</a></th>\s*<td>The same file</td>\s*'
        r"<td>100%</td>",
        listed,
    )
    assert f'/documents/{similar}/">Retyped</a>' in listed
    assert "Minutes" not in listed
    lonely = api_document(alice, UNRELATED.encode() + b" Again.", "e.txt", title="Other")
    assert "Minutes" in section(text(signed_in(users["alice"]).get(f"/documents/{lonely}/")))


def test_duplicates_out_of_sight_are_not_named(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    """bob's invoice is in neither the warning nor the section of alice's copy; a share shows it."""
    secret = api_document(bob, INVOICE.encode(), "invoice.txt", title="Bob's invoice")
    client = signed_in(users["alice"])

    response = client.post("/documents/upload/", {"file": named_file(RETYPED.encode(), "r.txt")})
    page = text(client.get(response["Location"]))

    assert "Possible duplicate" not in page and "Bob&#x27;s invoice" not in page
    assert "No duplicates." in section(page)
    assert client.get(f"/documents/{secret}/").status_code == 404
    share(bob, secret, "user:alice", "view")
    assert "Bob&#x27;s invoice" in section(text(client.get(response["Location"])))


def test_a_warning_left_for_a_document_since_hidden_names_nothing(
    users: dict[str, User], alice: APIClient
) -> None:
    """The warning is re-checked when shown: a duplicate trashed meanwhile is not linked."""
    original = api_document(alice, INVOICE.encode(), "invoice.txt", title="March invoice")
    client = signed_in(users["alice"])
    response = client.post("/documents/upload/", {"file": named_file(RETYPED.encode(), "r.txt")})
    assert alice.delete(f"/api/v1/documents/{original}/").status_code == 204

    page = text(client.get(response["Location"]))

    assert "Possible duplicate" not in page and "March invoice" not in page
