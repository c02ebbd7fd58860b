"""Small builders for test files and requests."""

import io
import zipfile
from typing import Any

from docx import Document as DocxDocument
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from rest_framework.test import APIClient

DEJAVU_SANS = "DejaVuSans.ttf"  # found by name among the system fonts (fonts-dejavu-core)


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


def text_page_png(*lines: str, dpi: int = 300, size: tuple[int, int] = (1275, 600)) -> bytes:
    """A scanned-looking page: black DejaVu Sans lines on white, as a PNG at `dpi`."""
    page = Image.new("L", size, 255)
    font = ImageFont.truetype(DEJAVU_SANS, 48)
    drawing = ImageDraw.Draw(page)
    for row, line in enumerate(lines):
        drawing.text((80, 80 + row * 90), line, font=font, fill=0)
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def text_pdf_page(line: str) -> bytes:
    """A one-page PDF whose line is real text (a text layer, no picture)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_of(*parts: bytes) -> bytes:
    """One PDF of the pages of several PDFs (or PNG scans, turned into a page each)."""
    writer = PdfWriter()
    for part in parts:
        if part.startswith(b"\x89PNG"):
            buffer = io.BytesIO()
            Image.open(io.BytesIO(part)).save(buffer, "PDF", resolution=300)
            part = buffer.getvalue()
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
