"""Small builders for test files and requests."""

import io
import zipfile
from typing import Any

from docx import Document as DocxDocument
from rest_framework.test import APIClient


def docx_bytes(*paragraphs: str) -> bytes:
    document = DocxDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(
    client: APIClient,
    content: bytes = b"hello world",
    filename: str = "note.txt",
    **fields: Any,
) -> Any:
    payload: dict[str, Any] = {"file": _named(content, filename)}
    payload.update(fields)
    return client.post("/api/v1/documents/", payload, format="multipart")


def new_version(
    client: APIClient, document_id: int, content: bytes, filename: str, **fields: Any
) -> Any:
    payload: dict[str, Any] = {"file": _named(content, filename), **fields}
    return client.post(f"/api/v1/documents/{document_id}/versions/", payload, format="multipart")


def _named(content: bytes, filename: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = filename
    return handle


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def streamed(response: Any) -> bytes:
    """The whole body of a streamed response (downloads, exports)."""
    return b"".join(response.streaming_content)
