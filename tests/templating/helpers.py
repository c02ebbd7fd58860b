"""Building .docx templates and uploading them, as an administrator would."""

import io
from typing import Any

import docx
from rest_framework.test import APIClient

TEMPLATES = "/api/v1/templates"


def docx_bytes(*paragraphs: str, rows: list[str] | None = None) -> bytes:
    """A Word document with these paragraphs and, given `rows`, a table of one header row and
    the three rows of a `{%tr for %}` loop over `deal.items` with these cells."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows is not None:
        table = document.add_table(rows=4, cols=len(rows))
        for index, heading in enumerate(("No", "Item", "Qty", "Price", "Amount")[: len(rows)]):
            table.cell(0, index).text = heading
        table.cell(1, 0).text = "{%tr for item in deal.items %}"
        for index, cell in enumerate(rows):
            table.cell(2, index).text = cell
        table.cell(3, 0).text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_file(data: bytes, name: str = "template.docx") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def upload_template(client: APIClient, data: bytes, name: str = "Contract") -> Any:
    return client.post(f"{TEMPLATES}/", {"name": name, "file": docx_file(data)}, format="multipart")


def make_template(client: APIClient, *paragraphs: str, **kwargs: Any) -> dict[str, Any]:
    response = upload_template(client, docx_bytes(*paragraphs, **kwargs))
    assert response.status_code == 201, response.content
    return dict(response.json())


def render(client: APIClient, template_id: int, **body: Any) -> Any:
    return client.post(f"{TEMPLATES}/{template_id}/render/", body, format="json")


def paragraphs_of(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


def table_of(content: bytes) -> list[list[str]]:
    table = docx.Document(io.BytesIO(content)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]
