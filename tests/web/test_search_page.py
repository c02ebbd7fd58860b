"""`/search/` as people meet it: the API's search service (same trimming, same audit event) with
highlights, the hit count, facets and paging; nothing a document says runs as markup."""

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import DocumentType
from tests.helpers import upload
from tests.search.conftest import search_index  # noqa: F401 (an empty index for each test)
from tests.search.test_search_api import found
from web.views.search.marks import marked


@pytest.fixture
def page_for(users: dict[str, User]) -> Callable[[str], Client]:
    """A browser-like client signed in as the named user."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return make


def get(client: Client, **params: Any) -> tuple[int, str]:
    response = client.get("/search/", params)
    return response.status_code, response.content.decode()


def test_an_empty_query_shows_a_hint_and_searches_nothing(
    page_for: Callable[[str], Client],
) -> None:
    status, html = get(page_for("alice"))
    assert status == 200
    assert '<label for="search-q">Search</label>' in html
    assert "Type a word or two" in html
    assert 'aria-current="page">Search</a>' in html
    assert 'id="nav-search-q"' not in html  # the frame's own box is not repeated here
    assert not AuditEvent.objects.filter(action="search").exists()


def test_sign_in_is_required(users: dict[str, User]) -> None:
    response = Client().get("/search/", {"q": "anything"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_word_of_the_text_is_found_marked_and_counted(
    alice: APIClient, page_for: Callable[[str], Client]
) -> None:
    document = upload(alice, b"Minutes: the narwhal budget was approved", "minutes.txt").json()
    found(alice, "narwhal")

    status, html = get(page_for("alice"), q="narwhal")

    assert status == 200
    assert "1 result for “narwhal”" in html
    assert f'<a href="/documents/{document["id"]}/">minutes.txt</a>' in html
    assert "<mark>narwhal</mark>" in html
    event = AuditEvent.objects.filter(action="search").latest("seq")
    assert event.actor_username == "alice" and event.details["q"] == "narwhal"


def test_markup_in_a_title_or_text_is_shown_as_text(
    alice: APIClient, page_for: Callable[[str], Client]
) -> None:
    upload(
        alice,
        b"ocelot <script>alert('text')</script> <img src=x onerror=alert(2)>",
        "x.txt",
        title="<script>alert('title')</script> ocelot",
    )
    found(alice, "ocelot")

    status, html = get(page_for("alice"), q="ocelot")

    assert status == 200
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; ocelot" in html
    assert "&lt;script&gt;" in html.split("snippet", 1)[1]
    assert "<mark>ocelot</mark>" in html


def test_a_document_out_of_sight_is_in_no_result_count_or_facet(
    alice: APIClient, page_for: Callable[[str], Client]
) -> None:
    upload(alice, b"the quokka merger", "secret.txt", tags="confidential")
    found(alice, "quokka")

    status, html = get(page_for("bob"), q="quokka")

    assert status == 200
    assert "0 results for “quokka”" in html
    assert "secret.txt" not in html
    assert "confidential" not in html
    assert "Nothing you may see matches" in html


def test_facets_narrow_by_tag_and_show_how_to_undo(
    alice: APIClient, page_for: Callable[[str], Client]
) -> None:
    upload(alice, b"axolotl invoice", "invoice.txt", tags="money")
    upload(alice, b"axolotl memo", "memo.txt", tags="internal")
    found(alice, "axolotl", 2)
    client = page_for("alice")

    status, html = get(client, q="axolotl")
    assert "2 results for “axolotl”" in html
    assert '<a href="?q=axolotl&amp;tag=money">money <span class="count">(1)</span></a>' in html
    assert "<h3>Status</h3>" in html and "Draft <span" in html

    status, html = get(client, q="axolotl", tag="money")
    assert status == 200
    assert "1 result for “axolotl”" in html
    assert "invoice.txt" in html and "memo.txt" not in html
    assert 'aria-current="true"' in html
    assert '<a href="?q=axolotl">Any tag</a>' in html


def test_the_type_facet_names_the_type_and_narrows_by_it(
    alice: APIClient, page_for: Callable[[str], Client]
) -> None:
    DocumentType.objects.create(slug="contract", name="Signed contract")
    upload(alice, b"gecko supply terms", "terms.txt", document_type="contract")
    upload(alice, b"gecko lunch menu", "menu.txt")
    found(alice, "gecko", 2)
    client = page_for("alice")

    _, html = get(client, q="gecko")
    assert "<h3>Type</h3>" in html
    assert '<a href="?q=gecko&amp;document_type=contract">Signed contract <span' in html
    assert "Signed contract · Draft · alice" in html

    _, html = get(client, q="gecko", document_type="contract")
    assert "1 result for “gecko”" in html
    assert "terms.txt" in html and "menu.txt" not in html
    assert '<a href="?q=gecko">Any type</a>' in html


def test_pages_link_to_each_other(alice: APIClient, page_for: Callable[[str], Client]) -> None:
    for n in range(3):
        upload(alice, f"wombat report {n}".encode(), f"r{n}.txt")
    found(alice, "wombat", 3)
    client = page_for("alice")

    _, first = get(client, q="wombat", page_size=2)
    assert "Page 1 of 2" in first
    assert '<a href="?q=wombat&amp;page_size=2&amp;page=2" rel="next">Next page</a>' in first
    assert "Previous page" not in first

    _, second = get(client, q="wombat", page_size=2, page=2)
    assert "Page 2 of 2" in second
    assert "Next page" not in second
    assert '<a href="?q=wombat&amp;page_size=2" rel="prev">Previous page</a>' in second
    assert second.count('class="result"') == 1


def test_bad_input_shows_the_form_again_with_the_reason(
    page_for: Callable[[str], Client],
) -> None:
    status, html = get(page_for("alice"), q="anything", status="bogus")
    assert status == 400
    assert "Status: Unknown status" in html
    assert 'value="anything"' in html

    status, html = get(page_for("alice"), q="anything", page="many")
    assert status == 400
    assert "Page: &#x27;many&#x27; is not a whole number." in html


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_search_server_outage_is_a_clear_message_not_an_error_page(
    page_for: Callable[[str], Client], settings: Any, tmp_path: Path
) -> None:
    """The engine really unreachable: nothing listens at the search URL (production), or the
    embedded index folder lies under a regular file."""
    if settings.SEARCH_URL:
        settings.SEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        settings.SEARCH_INDEX_DIR = blocker / "index"

    status, html = get(page_for("alice"), q="anything")

    assert status == 503
    assert "Search is unavailable; try again shortly." in html
    assert 'role="alert"' in html
    assert '<label for="search-q">Search</label>' in html


@pytest.mark.parametrize(
    ("fragment", "shown"),
    [
        ("a <mark>word</mark> here", "a <mark>word</mark> here"),
        ("&lt;script&gt; <mark>x</mark>", "&lt;script&gt; <mark>x</mark>"),
        (
            "<script>alert(1)</script><mark>x</mark>",
            "&lt;script&gt;alert(1)&lt;/script&gt;<mark>x</mark>",
        ),
        ('<mark onclick="y">x</mark>', "<mark>x</mark>"),
        ("<mark>open", "<mark>open</mark>"),
        ("stray </mark> & <b>bold</b>", "stray &lt;/mark&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
        ("<!-- c --><img src=x onerror=y>", "&lt;!-- c --&gt;&lt;img src=x onerror=y&gt;"),
    ],
)
def test_highlights_keep_only_their_marks(fragment: str, shown: str) -> None:
    assert marked(fragment) == shown
