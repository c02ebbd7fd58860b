"""`POST /spellcheck/`, `GET /documents/{id}/spellcheck/` and the organisation's dictionary
(`GET/POST/DELETE /spellcheck/dictionary/`), as callers meet them."""

import pytest
from django.db.models import F
from rest_framework.test import APIClient

from audit.models import AuditEvent
from templating.models import DictionaryGeneration, DictionaryWord
from tests.helpers import upload

pytestmark = pytest.mark.rolled_back

LETTER = (
    "Dear Ms Taylor,\n\nthank you for your order. Please find the invoce attached; we woud be "
    "grateful for payment within thirty days. Wojcikowsky from Kontorix will call you.\n"
)


def _document(client: APIClient, text: str, title: str = "Letter") -> int:
    response = upload(client, text.encode(), "letter.txt", title=title)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _words(body: dict) -> list[str]:
    return [error["word"] for error in body["errors"]]


def test_a_text_comes_back_with_its_errors_offsets_and_ranked_suggestions(
    alice: APIClient,
) -> None:
    text = "Pay by 2027-01-31, see https://example.org.\r\nThe recieve 👍🏽 naïve wierd"
    response = alice.post("/api/v1/spellcheck/", {"text": text, "language": "en"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["language"] == "en"
    assert _words(body) == ["recieve", "wierd"]
    for error in body["errors"]:
        assert text[error["offset"] : error["offset"] + error["length"]] == error["word"]
    assert body["errors"][0]["suggestions"][0] == "receive"
    assert body["errors"][1]["suggestions"][0] == "weird"


@pytest.mark.parametrize("language", ["xx", "", "EN-US", None, 5])
def test_an_unknown_language_answers_400_listing_the_supported_ones(
    alice: APIClient, language: object
) -> None:
    response = alice.post(
        "/api/v1/spellcheck/", {"text": "hello", "language": language}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_language"
    assert body["supported"] == ["en", "ru", "de", "fr", "es", "pt", "it"]
    assert "en, ru, de, fr, es, pt, it" in body["detail"]


@pytest.mark.parametrize("body", [{"language": "en"}, {"text": 5, "language": "en"}, ["x"]])
def test_a_missing_or_odd_text_is_400(alice: APIClient, body: object) -> None:
    assert alice.post("/api/v1/spellcheck/", body, format="json").status_code == 400


def test_no_anonymous_check() -> None:
    response = APIClient().post("/api/v1/spellcheck/", {"text": "x", "language": "en"})
    assert response.status_code == 401


def test_the_organisations_words_are_never_flagged_once_an_administrator_adds_them(
    alice: APIClient, admin: APIClient
) -> None:
    def flagged() -> list[str]:
        body = alice.post(
            "/api/v1/spellcheck/",
            {"text": "Kontorix ships Kontorix Cloud", "language": "en"},
            format="json",
        ).json()
        return _words(body)

    assert flagged() == ["Kontorix", "Kontorix"]
    added = admin.post("/api/v1/spellcheck/dictionary/", {"word": "Kontorix"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["word"] == "Kontorix" and added.json()["added_by"] == "admin"
    assert flagged() == []
    for language in ("en", "ru", "fr"):  # every language
        body = alice.post(
            "/api/v1/spellcheck/",
            {"text": "KONTORIX kontorix", "language": language},
            format="json",
        ).json()
        assert body["errors"] == []
    listed = alice.get("/api/v1/spellcheck/dictionary/").json()  # everyone reads it
    assert [item["word"] for item in listed["results"]] == ["Kontorix"]
    assert AuditEvent.objects.filter(
        action="spelling.word_add", actor_username="admin", details__word="Kontorix"
    ).exists()

    removed = admin.delete("/api/v1/spellcheck/dictionary/?word=kontorix")
    assert removed.status_code == 204
    assert flagged() == ["Kontorix", "Kontorix"]
    assert AuditEvent.objects.filter(action="spelling.word_remove", actor_username="admin").exists()


def test_only_administrators_change_the_dictionary(alice: APIClient, admin: APIClient) -> None:
    assert (
        alice.post("/api/v1/spellcheck/dictionary/", {"word": "Zyx"}, format="json").status_code
        == 403
    )
    admin.post("/api/v1/spellcheck/dictionary/", {"word": "Zyx"}, format="json")
    assert (
        alice.delete("/api/v1/spellcheck/dictionary/", {"word": "Zyx"}, format="json").status_code
        == 403
    )
    assert DictionaryWord.objects.filter(key="zyx").exists()
    assert not AuditEvent.objects.filter(
        action__startswith="spelling.", actor_username="alice"
    ).exists()


@pytest.mark.parametrize(
    ("word", "status"),
    [("", 400), ("two words", 400), ("x" * 101, 400), ("snake_case", 400), ("-x", 400)],
)
def test_a_bad_word_is_400_and_nothing_is_stored(
    admin: APIClient, word: object, status: int
) -> None:
    response = admin.post("/api/v1/spellcheck/dictionary/", {"word": word}, format="json")
    assert response.status_code == status
    assert DictionaryWord.objects.count() == 0


def test_a_word_twice_is_409_and_a_missing_word_404(admin: APIClient) -> None:
    assert (
        admin.post(
            "/api/v1/spellcheck/dictionary/", {"word": "Ölkanne-Pro"}, format="json"
        ).status_code
        == 201
    )
    again = admin.post("/api/v1/spellcheck/dictionary/", {"word": "ÖLKANNE-PRO"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "word_exists"
    assert admin.delete("/api/v1/spellcheck/dictionary/?word=nothere").status_code == 404
    assert DictionaryWord.objects.count() == 1


def _another_generation() -> None:
    """What another process's change leaves in the generation row (made by the migration; a
    test that flushed the tables leaves none)."""
    row, _ = DictionaryGeneration.objects.get_or_create(pk=1)
    DictionaryGeneration.objects.filter(pk=row.pk).update(value=F("value") + 1)


def test_a_word_added_by_another_process_applies_at_once(alice: APIClient) -> None:
    """Another process writes the row and changes the generation (as the service does) in the
    shared database; this process holds the old words in memory and must not keep them."""
    check = {"text": "Quarkstrom calls", "language": "en"}
    assert _words(alice.post("/api/v1/spellcheck/", check, format="json").json()) == ["Quarkstrom"]
    DictionaryWord.objects.create(word="Quarkstrom", key="quarkstrom")
    _another_generation()
    assert alice.post("/api/v1/spellcheck/", check, format="json").json()["errors"] == []
    DictionaryWord.objects.filter(key="quarkstrom").delete()
    _another_generation()
    assert _words(alice.post("/api/v1/spellcheck/", check, format="json").json()) == ["Quarkstrom"]


def test_names_of_crm_records_the_caller_sees_are_not_flagged(
    alice: APIClient, bob: APIClient
) -> None:
    created = alice.post(
        "/api/v1/crm/contacts/", {"name": "Zbyszko", "last_name": "Wojcikowsky"}, format="json"
    )
    assert created.status_code == 201, created.content
    alice.post("/api/v1/crm/companies/", {"title": "Brightwaxx Holdings"}, format="json")
    check = {"text": "Zbyszko Wojcikowsky of Brightwaxx wrote a lettter.", "language": "en"}
    assert _words(alice.post("/api/v1/spellcheck/", check, format="json").json()) == ["lettter"]
    # bob sees neither record: the names are words like any other to him.
    assert _words(bob.post("/api/v1/spellcheck/", check, format="json").json()) == [
        "Zbyszko",
        "Wojcikowsky",
        "Brightwaxx",
        "lettter",
    ]


def test_a_documents_text_is_checked_and_the_read_is_audited(
    alice: APIClient, admin: APIClient
) -> None:
    admin.post("/api/v1/spellcheck/dictionary/", {"word": "Kontorix"}, format="json")
    document = _document(alice, LETTER)
    response = alice.get(f"/api/v1/documents/{document}/spellcheck/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["language"] == "en"
    assert _words(body) == ["invoce", "woud", "Wojcikowsky"]
    text = alice.get(f"/api/v1/documents/{document}/text/").json()["text"]
    for error in body["errors"]:
        assert text[error["offset"] : error["offset"] + error["length"]] == error["word"]
        assert error["language"] == "en"
    assert "invoice" in body["errors"][0]["suggestions"]
    assert (
        AuditEvent.objects.filter(
            action="document.text", actor_username="alice", object_id=str(document)
        ).count()
        == 2
    )


def test_a_document_in_two_languages_is_checked_per_paragraph(alice: APIClient) -> None:
    text = (
        "Dear customer, thank you for your order. Please find the invoce for last month attached.\n\n"
        "Sehr geehrte Damen und Herren, vielen Dank für Ihre Bestellung. Im Anhang finden Sie die "
        "Rechnnug für den letzten Monat.\n"
    )
    document = _document(alice, text)
    body = alice.get(f"/api/v1/documents/{document}/spellcheck/").json()
    assert [(e["word"], e["language"]) for e in body["errors"]] == [
        ("invoce", "en"),
        ("Rechnnug", "de"),
    ]
    assert "Rechnung" in body["errors"][1]["suggestions"]
    # A named language checks the whole text in it.
    german = alice.get(f"/api/v1/documents/{document}/spellcheck/?language=de").json()
    assert german["language"] == "de"
    assert "Dear" in _words(german)


def test_a_document_the_caller_cannot_view_is_404_whatever_the_language(
    alice: APIClient, bob: APIClient
) -> None:
    document = _document(alice, LETTER)
    events = AuditEvent.objects.filter(action="document.text").count()
    for query in ("", "?language=en", "?language=xx"):
        response = bob.get(f"/api/v1/documents/{document}/spellcheck/{query}")
        assert response.status_code == 404
    assert bob.get("/api/v1/documents/999999/spellcheck/").status_code == 404
    assert AuditEvent.objects.filter(action="document.text").count() == events


def test_an_unknown_language_for_a_document_is_400_listing_the_supported_ones(
    alice: APIClient,
) -> None:
    document = _document(alice, LETTER)
    response = alice.get(f"/api/v1/documents/{document}/spellcheck/?language=klingon")
    assert response.status_code == 400
    assert response.json()["supported"] == ["en", "ru", "de", "fr", "es", "pt", "it"]


def test_a_text_in_none_of_the_languages_asks_for_one(alice: APIClient) -> None:
    """Detection finds none of the supported languages: 400 naming them; a named one checks."""
    document = _document(
        alice, "这是一个测试文件，用于检查语言检测是否正常工作。我们需要更多的文字。\n"
    )
    response = alice.get(f"/api/v1/documents/{document}/spellcheck/")
    assert response.status_code == 400
    assert response.json()["code"] == "language_unknown"
    assert response.json()["supported"] == ["en", "ru", "de", "fr", "es", "pt", "it"]
    named = alice.get(f"/api/v1/documents/{document}/spellcheck/?language=en")
    assert named.status_code == 200 and named.json()["language"] == "en"


def test_names_outside_ascii_and_many_unknown_names_are_handled(alice: APIClient) -> None:
    """A Polish surname passes (SQLite folds only ASCII case); a text of hundreds of unknown
    capitalised words is answered (the name lookups are bounded and batched)."""
    alice.post("/api/v1/crm/contacts/", {"name": "Jan", "last_name": "Żółkiewskyj"}, format="json")
    check = {"text": "Żółkiewskyj and ŻÓŁKIEWSKYJ wrote", "language": "en"}
    assert alice.post("/api/v1/spellcheck/", check, format="json").json()["errors"] == []
    many = " ".join(f"Qz{chr(97 + n // 26)}{chr(97 + n % 26)}xv" for n in range(400))
    response = alice.post("/api/v1/spellcheck/", {"text": many, "language": "en"}, format="json")
    assert response.status_code == 200
    assert len(response.json()["errors"]) == 400
