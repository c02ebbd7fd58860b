"""Text read during the upload request stays within tight limits; what they refuse goes to the worker."""

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from repository import tasks
from repository.extraction import filetypes
from tests.helpers import docx_bytes, upload

_PARAGRAPH = (
    '<w:p><w:pPr><w:pStyle w:val="BodyText"/><w:spacing w:after="120"/></w:pPr>'
    '<w:r><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/></w:rPr>'
    "<w:t>Ledger line {number}</w:t></w:r></w:p>"
)
_PARAGRAPH_COUNT = 30_000


def _inflating_docx() -> bytes:
    """A ~130 KB .docx whose styled paragraphs inflate ~45:1 to ~6 MB, as Word's output does."""
    template = zipfile.ZipFile(io.BytesIO(docx_bytes("placeholder")))
    body = "".join(_PARAGRAPH.format(number=number) for number in range(_PARAGRAPH_COUNT))
    document = (
        '<?xml version="1.0"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in template.namelist():
            is_body = name == "word/document.xml"
            archive.writestr(name, document if is_body else template.read(name))
    content = buffer.getvalue()
    inflated = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())
    assert inflated > tasks.INLINE_LIMITS.max_total_uncompressed
    return content


@pytest.fixture(scope="module")
def inflating_docx() -> bytes:
    return _inflating_docx()


def test_a_small_file_inflating_past_the_inline_cap_is_left_to_the_worker(
    inflating_docx: bytes, tmp_path: Path, settings: Any
) -> None:
    """Under the size limit but past the inflation cap: not read inline; the worker reads it."""
    settings.KONTOR_INLINE_TEXT_BYTES = 256 * 1024
    assert len(inflating_docx) <= settings.KONTOR_INLINE_TEXT_BYTES
    path = tmp_path / "ledger.docx"
    path.write_bytes(inflating_docx)
    assert tasks.inline_text(str(path), filetypes.DOCX, len(inflating_docx)) is None
    outcome = tasks.read_text(str(path), filetypes.DOCX)
    assert outcome["text_status"] == "done"
    assert f"Ledger line {_PARAGRAPH_COUNT - 1}" in outcome["text"]


def test_a_small_broken_file_is_left_to_the_worker_which_records_why(
    tmp_path: Path, settings: Any
) -> None:
    """An inline failure is not recorded: the worker reads the file again and keeps its error."""
    settings.KONTOR_INLINE_TEXT_BYTES = 256 * 1024
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    assert tasks.inline_text(str(path), filetypes.DOCX, path.stat().st_size) is None
    outcome = tasks.read_text(str(path), filetypes.DOCX)
    assert outcome["text_status"] == "failed"
    assert outcome["text_error"] == "not a valid .docx: not a zip archive"


def test_upload_of_an_inflating_file_answers_with_its_text_queued(
    alice: APIClient, inflating_docx: bytes, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload answers with the text pending and the version queued; the job then reads it."""
    settings.KONTOR_INLINE_TEXT_BYTES = 256 * 1024
    queued: list[int] = []
    monkeypatch.setattr(tasks, "_dispatch", queued.append)
    response = upload(alice, inflating_docx, "ledger.docx")
    assert response.status_code == 201, response.content
    text_url = f"/api/v1/documents/{response.json()['id']}/text/"
    assert alice.get(text_url).json()["status"] == "pending"
    assert len(queued) == 1
    assert tasks.extract_version_text(queued[0]) == "done"
    body = alice.get(text_url).json()
    assert body["status"] == "done"
    assert f"Ledger line {_PARAGRAPH_COUNT - 1}" in body["text"]


def test_the_inline_gate_reads_every_spelling_extraction_reads(
    tmp_path: Path, settings: Any
) -> None:
    """A type in another case is read inline as extraction reads it; a PDF never is."""
    settings.KONTOR_INLINE_TEXT_BYTES = 256 * 1024
    path = tmp_path / "note.txt"
    path.write_bytes(b"A plain bilby note.")
    outcome = tasks.inline_text(str(path), "Text/Plain; charset=utf-8", 19)
    assert outcome == {
        "text": "A plain bilby note.",
        "text_status": "done",
        "text_error": "",
        "text_source": "text",
    }
    assert tasks.inline_text(str(path), filetypes.PDF, 19) is None
