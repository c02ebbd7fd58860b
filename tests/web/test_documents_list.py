"""The document list and the upload form on it, as a signed-in person meets them."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.models import AuditEvent
from config.middleware import body_limit
from repository.models import Document, Folder
from tests.web.pages import api_document, named_file, signed_in, text

pytestmark = pytest.mark.rolled_back


def titles(page: str) -> list[str]:
    return re.findall(r'<td><a href="/documents/\d+/">([^<]+)</a></td>', page)


def test_the_list_shows_what_the_user_may_see_and_counts_it(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    """Only visible documents appear, in a table, with the API list's count."""
    api_document(alice, b"alice one", "one.txt", title="Alice one", tags="finance")
    api_document(bob, b"bob secret", "secret.txt", title="Bob secret")

    page = text(signed_in(users["alice"]).get("/documents/"))

    assert titles(page) == ["Alice one"]
    assert "Bob secret" not in page
    assert "1 document<" in page
    assert '<th scope="col">Title</th>' in page
    assert '<span class="tag">finance</span>' in page
    assert alice.get("/api/v1/documents/").json()["count"] == 1


def test_the_list_pages_on_the_server(users: dict[str, User], alice: APIClient) -> None:
    """`page_size` and `page` page the list; the pager keeps the filters."""
    for index in range(3):
        api_document(
            alice, f"paged {index}".encode(), f"p{index}.txt", title=f"Paged {index}", tags="t"
        )
    client = signed_in(users["alice"])

    first = text(client.get("/documents/?tag=t&page_size=2"))
    second = text(client.get("/documents/?tag=t&page_size=2&page=2"))

    assert titles(first) == ["Paged 2", "Paged 1"]
    assert "Page 1 of 2" in first
    assert 'href="?tag=t&amp;page_size=2&amp;page=2"' in first
    assert titles(second) == ["Paged 0"]


def test_filters_narrow_the_list(users: dict[str, User], alice: APIClient) -> None:
    """By folder, tag and status, through the API's filters."""
    folder = alice.post("/api/v1/folders/", {"name": "Contracts"}, format="json").json()["id"]
    api_document(alice, b"in folder", "f.txt", title="Filed", folder=folder)
    api_document(alice, b"tagged", "t.txt", title="Tagged", tags="urgent")
    client = signed_in(users["alice"])

    assert titles(text(client.get(f"/documents/?folder={folder}"))) == ["Filed"]
    assert titles(text(client.get("/documents/?tag=urgent"))) == ["Tagged"]
    assert titles(text(client.get("/documents/?status=approved"))) == []
    assert len(titles(text(client.get("/documents/?status=draft")))) == 2


def test_a_bad_filter_answers_400_with_the_reason(users: dict[str, User]) -> None:
    response = signed_in(users["alice"]).get("/documents/?status=lost")
    assert response.status_code == 400
    assert "Unknown status" in text(response)


def test_the_upload_form_names_its_fields(users: dict[str, User]) -> None:
    """File, Title, Folder, Tags and Upload, each field with its label (UI.md)."""
    page = text(signed_in(users["alice"]).get("/"))
    for field, label in (
        ("upload-file", "File"),
        ("upload-title", "Title"),
        ("upload-folder", "Folder"),
        ("upload-tags", "Tags"),
    ):
        assert f'<label for="{field}">{label}</label>' in page
    assert re.search(r'<button type="submit" class="primary">Upload</button>', page)
    assert "<progress" in page and "data-dropzone" in page


def test_an_upload_opens_the_new_document(users: dict[str, User], alice: APIClient) -> None:
    """The page's upload is the API's: the document, its tags and folder, the audit event."""
    folder = alice.post("/api/v1/folders/", {"name": "Inbox"}, format="json").json()["id"]
    client = signed_in(users["alice"])

    response = client.post(
        "/documents/upload/",
        {
            "file": named_file(b"minutes of the meeting", "minutes.txt"),
            "title": "Minutes",
            "folder": str(folder),
            "tags": "board, minutes",
        },
    )

    document = Document.objects.get(title="Minutes")
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/"
    assert document.folder_id == folder
    assert sorted(document.tags.values_list("name", flat=True)) == ["board", "minutes"]
    assert AuditEvent.objects.filter(action="document.create", object_id=str(document.pk)).exists()
    page = text(client.get(response["Location"]))
    assert "<h1>Minutes</h1>" in page
    assert "Possible duplicate" not in page


def test_the_same_bytes_again_warn_of_a_possible_duplicate_once(
    users: dict[str, User], alice: APIClient
) -> None:
    """Right after saving, the new document's page links the document with the same bytes."""
    first = api_document(alice, b"the same bytes", "a.txt", title="The original")
    client = signed_in(users["alice"])

    response = client.post("/documents/upload/", {"file": named_file(b"the same bytes", "b.txt")})

    page = text(client.get(response["Location"]))
    assert "Possible duplicate" in page
    assert f'<a href="/documents/{first}/">The original</a>' in page
    assert "Possible duplicate" not in text(client.get(response["Location"]))


def test_a_duplicate_out_of_sight_is_not_named(users: dict[str, User], bob: APIClient) -> None:
    api_document(bob, b"bob has these bytes", "bob.txt", title="Bob's")
    client = signed_in(users["alice"])
    response = client.post(
        "/documents/upload/", {"file": named_file(b"bob has these bytes", "a.txt")}
    )
    page = text(client.get(response["Location"]))
    assert "Possible duplicate" not in page and "Bob&#x27;s" not in page


@override_settings(KONTOR_MAX_UPLOAD_BYTES=8)
def test_a_too_large_file_is_refused_on_the_page(users: dict[str, User]) -> None:
    """413 with the limit named, the form again, nothing saved."""
    response = signed_in(users["alice"]).post(
        "/documents/upload/",
        {"file": named_file(b"far more than eight bytes", "big.txt"), "title": "Big"},
    )
    assert response.status_code == 413
    assert "the limit is 8" in text(response)
    assert 'value="Big"' in text(response)
    assert not Document.objects.exists()


def test_the_script_upload_answers_json(users: dict[str, User]) -> None:
    """kontor.js reads where to go (201) or why not (the status and the message)."""
    client = signed_in(users["alice"])
    created = client.post(
        "/documents/upload/",
        {"file": named_file(b"sent by script", "s.txt")},
        HTTP_ACCEPT="application/json",
    )
    assert created.status_code == 201
    assert created.json()["location"] == f"/documents/{created.json()['id']}/"
    empty = client.post(
        "/documents/upload/", {"file": named_file(b"", "e.txt")}, HTTP_ACCEPT="application/json"
    )
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]


def test_filing_into_a_folder_without_edit_is_refused(
    users: dict[str, User], bob: APIClient
) -> None:
    """A folder out of sight answers 404 as in the API; nothing is stored."""
    folder = bob.post("/api/v1/folders/", {"name": "Bob's"}, format="json").json()["id"]
    response = signed_in(users["alice"]).post(
        "/documents/upload/", {"file": named_file(b"x", "x.txt"), "folder": str(folder)}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()
    assert Folder.objects.filter(pk=folder).exists()


def test_a_page_costs_the_same_queries_however_many_documents(
    users: dict[str, User], alice: APIClient
) -> None:
    """The list reads one page and counts through the API's counting: no query per document."""
    folder = alice.post("/api/v1/folders/", {"name": "Big"}, format="json").json()["id"]
    client = signed_in(users["alice"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/documents/?folder={folder}&page_size=5").status_code == 200
        return len(captured)

    api_document(alice, b"the first", "0.txt", folder=folder, tags="a")
    queries()  # the first request fills caches (the user's principals, the session)
    few = queries()
    for index in range(1, 12):
        api_document(alice, f"more {index}".encode(), f"{index}.txt", folder=folder, tags="a")

    assert queries() == few


@pytest.mark.parametrize(
    ("path", "takes_a_file"),
    [
        ("/documents/upload/", True),
        ("/documents/12/versions/", True),
        ("/documents/", False),
        ("/documents/12/permissions/", False),
        ("/login/", False),
    ],
)
def test_only_the_upload_pages_take_upload_sized_bodies(path: str, takes_a_file: bool) -> None:
    """Like the API's upload endpoints, the two upload pages may carry one file; no other page."""
    environ = {"PATH_INFO": path, "CONTENT_TYPE": "multipart/form-data; boundary=x"}
    extra = settings.KONTOR_MAX_UPLOAD_BYTES if takes_a_file else 0
    assert body_limit(environ) == settings.KONTOR_MAX_BODY_BYTES + extra
