"""Journals on the pages: administrators list and create them; on the document page its
editors register it (Journal, Register) and its number shows in the facts. The pages call the
services the API calls, so the rules, refusals and events are the API's."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import Journal, Registration
from tests.web.pages import api_document, body_rows, buttons, errors_of, page_client, share, text
from tests.web.pages import submit as submit_form

pytestmark = pytest.mark.rolled_back

JOURNALS = "/administration/journals/"


def _journal(code: str, name: str) -> None:
    Journal.objects.get_or_create(
        code=code, defaults={"name": name, "format": "{code}-{year}-{number:06d}"}
    )


def _facts(page: str) -> dict[str, str]:
    found = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    return {term: re.sub(r"<[^>]+>", "", value).strip() for term, value in found}


def test_administrators_list_and_create_journals(users: dict[str, User]) -> None:
    _journal("IN", "Incoming")
    admin = page_client(users["admin"])
    page = text(admin.get(JOURNALS))
    assert "<h1>Journals</h1>" in page
    assert 'aria-current="page">Journals</a>' in page
    for label in ("Code", "Name", "Format"):
        assert f">{label}</label>" in page
    assert buttons(page)[-1] == "Create journal"
    assert ["IN", "Incoming", "{code}-{year}-{number:06d}"] in body_rows(
        admin.get(JOURNALS).content
    )
    assert 'href="/administration/journals/"' in text(admin.get("/administration/"))

    created = submit_form(
        admin,
        JOURNALS,
        JOURNALS,
        {"code": "CTR", "name": "Contracts", "format": "{code}/{year}/{number:04d}"},
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    after = admin.get(JOURNALS)
    assert ["CTR", "Contracts", "{code}/{year}/{number:04d}"] in body_rows(after.content)
    assert "Journal CTR created." in text(after)
    assert AuditEvent.objects.get(action="journal.create").actor_username == "admin"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "in", "name": "Lower", "format": "{code}-{year}-{number}"}, "Capital letters"),
        ({"code": "X", "name": "No year", "format": "{code}-{number}"}, "placeholders"),
        ({"code": "X", "name": "Bad", "format": "{code.__class__}{year}{number}"}, "Unknown"),
        ({"code": "IN", "name": "Taken", "format": "{code}-{year}-{number}"}, "exists"),
    ],
)
def test_a_bad_journal_shows_the_form_again_with_the_reason(
    users: dict[str, User], fields: dict[str, object], message: str
) -> None:
    _journal("IN", "Incoming")
    before = Journal.objects.count()
    admin = page_client(users["admin"])
    response = submit_form(admin, JOURNALS, JOURNALS, fields)
    assert response.status_code in (400, 409)  # type: ignore[attr-defined]
    page = response.content  # type: ignore[attr-defined]
    assert message in errors_of(page)
    assert f'value="{fields["name"]}"' in page.decode()  # what was typed is kept
    assert Journal.objects.count() == before
    assert not AuditEvent.objects.filter(action="journal.create").exists()


def test_journal_administration_is_not_there_for_others(users: dict[str, User]) -> None:
    for name in ("alice", "rita"):
        client = Client()
        client.force_login(users[name])
        assert client.get(JOURNALS).status_code == 404
        assert client.post(JOURNALS, {"code": "EVIL", "name": "E"}).status_code == 404
    assert not Journal.objects.filter(code="EVIL").exists()


def test_an_editor_registers_the_document_and_sees_its_number(
    users: dict[str, User], alice: APIClient
) -> None:
    _journal("IN", "Incoming")
    _journal("OUT", "Outgoing")
    document = api_document(alice, b"a letter", "letter.txt", title="Letter")
    client = page_client(users["alice"])
    path = f"/documents/{document}/"
    page = text(client.get(path))
    assert '<h2 id="registration-heading">Registration</h2>' in page
    assert ">Journal</label>" in page and "Register" in buttons(page)
    assert "Registration" not in _facts(page)

    response = submit_form(client, path, f"{path}register/", {"journal": "IN"})
    assert response.status_code == 302  # type: ignore[attr-defined]
    number = f"IN-{timezone.localtime().year}-000001"
    page = text(client.get(path))
    assert _facts(page)["Registration"] == number
    assert [number, "Incoming (IN)"] == body_rows(page.encode())[0][:2]
    assert 'value="IN"' not in page  # registered there: only the other journals are offered
    assert 'value="OUT"' in page
    event = AuditEvent.objects.get(action="document.register")
    assert event.details == {"journal": "IN", "number": number}

    again = Client()  # an old form: the service refuses the second registration
    again.force_login(users["alice"])
    refused = again.post(f"{path}register/", {"journal": "IN"})
    assert refused.status_code == 409
    assert "registered in IN already" in errors_of(refused.content)
    assert Registration.objects.count() == 1


def test_register_shows_only_to_editors_and_hides_the_document_from_strangers(
    users: dict[str, User], alice: APIClient
) -> None:
    _journal("IN", "Incoming")
    document = api_document(alice, b"a private letter", "letter.txt", title="Letter")
    share(alice, document, "user:bob", "view")
    path = f"/documents/{document}/"

    bob = Client()
    bob.force_login(users["bob"])
    page = text(bob.get(path))
    assert "Registration</h2>" in page and "Register" not in buttons(page)
    refused = bob.post(f"{path}register/", {"journal": "IN"})
    assert refused.status_code == 403
    assert "edit" in errors_of(refused.content)

    rita = Client()
    rita.force_login(users["rita"])
    assert rita.post(f"{path}register/", {"journal": "IN"}).status_code == 404
    assert rita.post("/documents/999999999/register/", {"journal": "IN"}).status_code == 404
    assert not Registration.objects.exists()

    alice_page = Client()
    alice_page.force_login(users["alice"])
    unknown = alice_page.post(f"{path}register/", {"journal": "NOPE"})
    assert unknown.status_code == 400
    assert "No journal NOPE" in errors_of(unknown.content)
    assert alice_page.get(f"{path}register/").status_code == 405
