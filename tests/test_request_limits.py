"""Request bodies over the limit are refused before they are read, on every path.

These tests call the WSGI application the server calls (`config.wsgi.application`), with a
request body that would never end, and count what the application reads of it.
`tests/test_served.py` does the same through a real gunicorn over a socket.
"""

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.middleware import SPOOL_BLOCK
from config.wsgi import application
from repository.models import Document
from tests.helpers import upload

MiB = 1024 * 1024
UPLOAD_LIMIT = 1 * MiB
BODY_LIMIT = 64 * 1024
BOUNDARY = "kontor-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class EndlessBody(io.RawIOBase):
    """A client that would send for ever; counts the bytes the server reads."""

    def __init__(self, head: bytes = b"") -> None:
        self.head = head
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = SPOOL_BLOCK if size is None or size < 0 else size
        served = self.bytes_read
        self.bytes_read += wanted
        head = self.head[served : served + wanted]
        return head + b"x" * (wanted - len(head))


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.KONTOR_MAX_UPLOAD_BYTES = UPLOAD_LIMIT
    settings.KONTOR_MAX_BODY_BYTES = BODY_LIMIT


def environ_for(
    method: str,
    path: str,
    content_type: str,
    body: io.RawIOBase | io.BytesIO,
    *,
    content_length: int | None,
    **headers: str,
) -> dict[str, Any]:
    """The environ a WSGI server passes: declared length, or chunked (read to its end)."""
    environ = dict(
        RequestFactory().generic(method, path, b"", content_type, HTTP_HOST="localhost").environ
    )
    environ.update(headers, CONTENT_TYPE=content_type)
    environ["wsgi.input"] = body
    if content_length is None:
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True  # gunicorn: the body ends where the client ends it
    else:
        environ["CONTENT_LENGTH"] = str(content_length)
    return environ


def call(environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], body


def multipart_head(filename: str = "big.bin") -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def multipart(fields: dict[str, str], content: bytes, filename: str = "note.txt") -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    return b"".join([*parts, multipart_head(filename), content, f"\r\n--{BOUNDARY}--\r\n".encode()])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/",
        "/api/v1/documents/1/versions/",
        "/api/v1/an-endpoint-added-later/",  # the limit does not depend on a view opting in
    ],
)
def test_an_upload_declared_over_the_limit_is_refused_before_a_byte_is_read(path: str) -> None:
    """A 400 MB multipart body answers 413 `too_large` from its Content-Length alone."""
    body = EndlessBody(multipart_head())
    environ = environ_for("POST", path, MULTIPART, body, content_length=400_000_000)

    status, headers, content = call(environ)

    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(content)["code"] == "too_large"
    assert body.bytes_read == 0


def test_an_upload_may_be_as_large_as_the_limit_plus_its_form_fields(
    transactional_db: None,
) -> None:
    """The limit is on the file: a body of one file at the limit and its fields is read."""
    body = io.BytesIO(b"")
    declared = UPLOAD_LIMIT + BODY_LIMIT
    environ = environ_for("POST", "/api/v1/documents/", MULTIPART, body, content_length=declared)

    status, _, _ = call(environ)

    assert status == 401  # read on to the view, which wants a user: not refused for its size


@pytest.mark.parametrize("declared", [" 400000000", "400_000_000", "+400000000"])
def test_a_length_written_oddly_is_read_as_django_reads_it(declared: str) -> None:
    """Forms of Content-Length that Django's int() accepts are held to the limit as well."""
    body = EndlessBody(multipart_head())
    environ = environ_for("POST", "/api/v1/documents/", MULTIPART, body, content_length=0)
    environ["CONTENT_LENGTH"] = declared

    status, _, _ = call(environ)

    assert status == 413
    assert body.bytes_read == 0


@pytest.mark.parametrize(
    ("method", "path", "content_type", "expected_type"),
    [
        ("PATCH", "/api/v1/documents/1/", "application/json", "application/json"),
        ("POST", "/api/v1/auth/token/", "application/json", "application/json"),
        ("POST", "/login/", "application/x-www-form-urlencoded", "text/plain; charset=utf-8"),
        # the web pages take no uploads: a multipart form there is held to the body limit
        ("POST", "/login/", MULTIPART, "text/plain; charset=utf-8"),
        ("POST", "/admin/login/", "application/x-www-form-urlencoded", "text/plain; charset=utf-8"),
    ],
)
def test_other_bodies_over_the_body_limit_are_refused_before_they_are_read(
    method: str, path: str, content_type: str, expected_type: str
) -> None:
    """JSON bodies and web forms are held to KONTOR_MAX_BODY_BYTES, read or not by a view."""
    body = EndlessBody()
    environ = environ_for(method, path, content_type, body, content_length=BODY_LIMIT + 1)

    status, headers, content = call(environ)

    assert status == 413
    assert headers["Content-Type"] == expected_type
    assert body.bytes_read == 0
    if expected_type == "application/json":
        assert json.loads(content)["code"] == "too_large"


@pytest.mark.parametrize(
    ("path", "content_type", "limit"),
    [
        ("/api/v1/documents/", MULTIPART, UPLOAD_LIMIT + BODY_LIMIT),
        ("/api/v1/documents/1/", "application/json", BODY_LIMIT),
        ("/login/", "application/x-www-form-urlencoded", BODY_LIMIT),
    ],
)
def test_a_chunked_body_is_read_only_until_it_passes_the_limit(
    path: str, content_type: str, limit: int
) -> None:
    """Without a Content-Length, reading stops within one block of passing the limit: 413."""
    body = EndlessBody(multipart_head() if content_type == MULTIPART else b"")
    environ = environ_for("POST", path, content_type, body, content_length=None)

    status, _, _ = call(environ)

    assert status == 413
    assert limit < body.bytes_read <= limit + SPOOL_BLOCK


def test_a_chunked_body_without_a_terminating_server_needs_a_length() -> None:
    """A server that leaves the body's end to the application gets 411, nothing is read."""
    body = EndlessBody()
    environ = environ_for(
        "POST", "/api/v1/auth/token/", "application/json", body, content_length=None
    )
    environ["wsgi.input_terminated"] = False

    status, _, content = call(environ)

    assert status == 411
    assert json.loads(content)["code"] == "length_required"
    assert body.bytes_read == 0


def test_a_chunked_json_body_within_the_limit_reaches_the_view(users: dict[str, User]) -> None:
    """Chunked bodies are read whole when within the limit (Django alone would see none)."""
    credentials = json.dumps({"username": "alice", "password": "alice-pass-1"}).encode()
    environ = environ_for(
        "POST",
        "/api/v1/auth/token/",
        "application/json",
        io.BytesIO(credentials),
        content_length=None,
    )

    status, _, content = call(environ)

    assert status == 200, content
    assert json.loads(content)["token"]


def test_a_chunked_upload_within_the_limit_is_stored(users: dict[str, User]) -> None:
    """A chunked multipart upload becomes a document like any other."""
    token, _ = Token.objects.get_or_create(user=users["alice"])
    body = multipart({"title": "chunked"}, b"sent in chunks\n", "chunked.txt")
    environ = environ_for(
        "POST",
        "/api/v1/documents/",
        MULTIPART,
        io.BytesIO(body),
        content_length=None,
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    status, _, content = call(environ)

    assert status == 201, content
    document = Document.objects.get(pk=json.loads(content)["id"])
    assert document.title == "chunked"
    assert document.current_version is not None
    assert document.current_version.size == len(b"sent in chunks\n")


def test_a_file_over_the_limit_within_the_body_allowance_is_still_refused(
    alice: APIClient,
) -> None:
    """The body allowance for form fields does not raise the limit on the file itself."""
    response = upload(alice, b"x" * (UPLOAD_LIMIT + 1), "big.txt")

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Document.objects.exists()
