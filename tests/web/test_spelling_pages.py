"""The document page's Spelling section and the organisation's dictionary in administration:
the API's rules, 404s and audit events, on pages."""

import re

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from templating.models import DictionaryWord
from tests.web.pages import api_document, buttons, errors_of, page_client, submit, text

pytestmark = pytest.mark.rolled_back

LETTER = b"Dear Ms Taylor,\n\nplease find the invoce attached; we woud be grateful <b>soon</b>.\n"


def test_the_section_offers_a_language_and_the_button_without_checking(
    users: dict[str, User], alice: APIClient
) -> None:
    """The page does not pay for the check: no `document.text` event until asked."""
    document = api_document(alice, LETTER, "letter.txt", title="Letter")

    page = text(page_client(users["alice"]).get(f"/documents/{document}/"))

    section = page[page.index('id="spelling"') :]
    assert '">Spelling</h2>' in section
    assert '<label for="spelling-language">Language</label>' in section
    for name in ("Detect automatically", "English", "Russian", "German", "Portuguese"):
        assert f">{name}</option>" in section
    assert "Check spelling" in buttons(page)
    assert f'hx-get="/documents/{document}/spelling/"' in section
    assert "<mark>" not in page
    assert not AuditEvent.objects.filter(action="document.text").exists()


def test_the_check_marks_the_errors_in_the_text_and_lists_suggestions(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, LETTER, "letter.txt", title="Letter")
    client = page_client(users["alice"])

    response = client.get(f"/documents/{document}/spelling/", HTTP_HX_REQUEST="true")

    fragment = text(response)
    assert response.status_code == 200
    assert "<h1>" not in fragment  # a fragment for htmx
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", fragment) == ["invoce", "woud"]
    assert "&lt;b&gt;soon&lt;/b&gt;" in fragment  # the text is escaped, not markup
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', fragment)
    assert rows[0][0] == "invoce" and "invoice" in rows[0][1]
    assert rows[1][0] == "woud" and "would" in rows[1][1]
    assert AuditEvent.objects.filter(
        action="document.text", actor_username="alice", object_id=str(document)
    ).exists()


def test_without_javascript_the_check_is_a_page_with_the_chosen_language(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, LETTER, "letter.txt", title="Letter")

    response = page_client(users["alice"]).get(f"/documents/{document}/spelling/?language=de")

    page = text(response)
    assert response.status_code == 200
    assert "<h1>Letter</h1>" in page
    assert '<option value="de" selected>German</option>' in page
    assert "<mark" in page and "(German" in page


def test_an_unknown_language_is_shown_with_the_supported_ones(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, LETTER, "letter.txt", title="Letter")

    response = page_client(users["alice"]).get(
        f"/documents/{document}/spelling/?language=xx", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert "en, ru, de, fr, es, pt, it" in errors_of(response.content)


def test_a_document_out_of_sight_is_the_404_page_and_nothing_is_read(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, LETTER, "letter.txt", title="Letter")
    client = page_client(users["bob"])

    for query in ("", "?language=en", "?language=xx"):
        assert client.get(f"/documents/{document}/spelling/{query}").status_code == 404
    assert client.get("/documents/999999/spelling/").status_code == 404
    assert not AuditEvent.objects.filter(action="document.text").exists()


def test_an_administrator_adds_and_removes_a_word_of_the_dictionary(
    users: dict[str, User], alice: APIClient
) -> None:
    client = page_client(users["admin"])
    page = text(client.get("/administration/dictionary/"))
    assert "<h1>Dictionary</h1>" in page
    assert '<label for="id_word">Word</label>' in page
    assert "Add word" in buttons(page)
    assert 'href="/administration/dictionary/" aria-current="page"' in page

    added = submit(
        client, "/administration/dictionary/", "/administration/dictionary/", {"word": "Kontorix"}
    )
    assert added.status_code == 302  # type: ignore[attr-defined]
    page = text(client.get("/administration/dictionary/"))
    assert '<th scope="row">Kontorix</th>' in page
    assert 'aria-label="Remove Kontorix"' in page
    assert AuditEvent.objects.filter(action="spelling.word_add", actor_username="admin").exists()
    checked = alice.post(
        "/api/v1/spellcheck/", {"text": "Kontorix", "language": "en"}, format="json"
    )
    assert checked.json()["errors"] == []

    removed = submit(
        client,
        "/administration/dictionary/",
        "/administration/dictionary/remove/",
        {"word": "Kontorix"},
    )
    assert removed.status_code == 302  # type: ignore[attr-defined]
    assert not DictionaryWord.objects.exists()
    assert AuditEvent.objects.filter(action="spelling.word_remove", actor_username="admin").exists()


def test_a_bad_or_repeated_word_shows_the_form_again_with_the_error(users: dict[str, User]) -> None:
    client = page_client(users["admin"])
    page = "/administration/dictionary/"
    bad = submit(client, page, page, {"word": "two words"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert "One word" in errors_of(bad.content)  # type: ignore[attr-defined]
    submit(client, page, page, {"word": "Kontorix"})
    again = submit(client, page, page, {"word": "kontorix"})
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "already" in errors_of(again.content)  # type: ignore[attr-defined]
    missing = submit(client, page, "/administration/dictionary/remove/", {"word": "nothere"})
    assert missing.status_code == 404  # type: ignore[attr-defined]
    assert DictionaryWord.objects.count() == 1


def test_the_dictionary_pages_are_404_for_everyone_but_administrators(
    users: dict[str, User],
) -> None:
    DictionaryWord.objects.create(word="Kontorix", key="kontorix")
    client = page_client(users["alice"])
    assert client.get("/administration/dictionary/").status_code == 404
    client = page_client(users["rita"])
    assert client.get("/administration/dictionary/").status_code == 404
    # The CSRF token comes from a page alice may see; the refusal is the 404 page all the same.
    response = submit(
        client, "/documents/", "/administration/dictionary/remove/", {"word": "Kontorix"}
    )
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert DictionaryWord.objects.filter(key="kontorix").exists()
