"""Render benchmark: a one-page contract with a 50-row table, filled from a deal, as .docx and as
PDF, beside bare docxtpl and bare LibreOffice doing the same work in the same run.

Ours is the use case the API's `POST /templates/{id}/render/` calls (without `save`): the deal,
its company, contact and 50 line items read through the caller's visibility, the template's
bytes read back from the blob store and verified, the render in the sandbox in a child process
with its limits, the render's row and audit event; for PDF, the conversion by the serialised
LibreOffice converter. Bare docxtpl renders the same template bytes with the same data (the
same filters, since the template uses them) in a plain Jinja2 environment in this process; bare
LibreOffice is `soffice --convert-to pdf` of the same filled .docx with a profile kept between
runs. The sides run in rotating order (`_common.time_sides`).

    .venv/bin/python bench/render.py [--docx-runs 30] [--pdf-runs 6]

No target is set: the figures say what the sandbox, the child process and the bookkeeping cost
beside the engines.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from _common import RatioTable, p50_p95, setup_django, time_sides

ROWS = 50


def contract() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Supply contract {{ deal.title }}", level=1)
    for text in (
        "{% set locale = 'de' %}Between {{ company.title }} (TIN {{ company.tin }}) and "
        "{{ user.name }}, signed on {{ today|date('long') }}.",
        "Contact: {{ contact.full_name }}, {{ contact.email }}, {{ contact.phone }}.",
        "The supplier delivers the goods below; the buyer pays "
        "{{ deal.items_total|money(deal.currency) }} "
        "({{ deal.items_total|in_words(deal.currency) }}).",
    ):
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=5)
    for index, heading in enumerate(("No", "Item", "Qty", "Price", "Amount")):
        table.cell(0, index).text = heading
    table.cell(1, 0).text = "{%tr for item in deal.items %}"
    for index, cell in enumerate(
        (
            "{{ item.number }}",
            "{{ item.name }}",
            "{{ item.quantity|number }}",
            "{{ item.unit_price|money }}",
            "{{ item.amount|money }}",
        )
    ):
        table.cell(2, index).text = cell
    table.cell(3, 0).text = "{%tr endfor %}"
    document.add_paragraph("Payment within 14 days of delivery. Place and date, signatures.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def prepare() -> tuple[Any, Any, int, bytes]:
    """An administrator, a deal with its company, contact and ROWS items, the template."""
    from decimal import Decimal

    from django.contrib.auth.models import User

    from audit.record import RequestContext
    from crm.models import Company, Contact, Deal, DealItem, FieldDefinition, default_pipeline
    from crm.services.items import line_amount
    from templating.services.rendering import _as_upload
    from templating.services.templates import upload_template

    admin = User.objects.create_superuser("bench-admin", "admin@example.com", "x", first_name="Ada")
    FieldDefinition.objects.create(entity="company", code="tin", label="TIN", type="string")
    company = Company.objects.create(owner=admin, title="Acme GmbH", fields={"tin": "DE123456789"})
    contact = Contact.objects.create(
        owner=admin, name="Ann", last_name="Lee", email="ann@example.com", phone="+49 30 1234567"
    )
    pipeline = default_pipeline()
    deal = Deal.objects.create(
        owner=admin,
        title="Office furniture",
        pipeline=pipeline,
        stage=pipeline.stages.order_by("position")[0],
        currency="EUR",
        company=company,
        contact=contact,
    )
    DealItem.objects.bulk_create(
        DealItem(
            deal=deal,
            position=n,
            name=f"Item {n + 1}: chair, desk or shelf",
            quantity=Decimal(n % 7 + 1),
            unit_price=Decimal("99.90") + n,
            amount=line_amount(Decimal(n % 7 + 1), Decimal("99.90") + n),
        )
        for n in range(ROWS)
    )
    data = contract()
    context = RequestContext(user=admin)
    upload = _as_upload(data, "contract.docx", "application/octet-stream")
    template = upload_template(context=context, upload=upload, name="Supply contract")
    upload.close()
    return context, template, deal.pk, data


def bare_docx(data: bytes, filling: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from templating.engine import as_records
    from templating.formatting import FILTERS

    environment = Environment(autoescape=True)
    environment.filters.update(FILTERS)
    template = DocxTemplate(io.BytesIO(data))
    template.render(as_records(filling), jinja_env=environment, autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def bare_pdf(data: bytes, profile: Path) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "contract.docx"
        source.write_bytes(data)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        return (Path(folder) / "contract.pdf").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docx-runs", type=int, default=30)
    parser.add_argument("--pdf-runs", type=int, default=6)
    arguments = parser.parse_args()
    setup_django()
    from templating.services.context import build_filling
    from templating.services.rendering import render_template

    context, template, deal_id, data = prepare()
    filling = build_filling(context.user, records={"deal": deal_id}).data

    def ours(output: str) -> bytes:
        return render_template(
            context=context, template=template, records={"deal": deal_id}, output=output
        ).content

    filled = bare_docx(data, filling)
    has_office = shutil.which("soffice") is not None
    profile = Path(tempfile.mkdtemp(prefix="kontor-bench-office-"))
    ours("docx")  # warm: the child processes' server starts once
    if has_office:
        ours("pdf")
        bare_pdf(filled, profile)

    docx_times, docx_answers = time_sides(
        {"ours": lambda _: ours("docx"), "bare": lambda _: bare_docx(data, filling)},
        list(range(arguments.docx_runs)),
        desc="docx renders",
    )
    table = RatioTable(f"Render: one-page contract, {ROWS}-row table, ms per render (p50 / p95)")
    for name, index in (("p50", 0), ("p95", 1)):
        table.row(
            f"docx {name} (bare: docxtpl)",
            p50_p95(docx_times["ours"])[index],
            p50_p95(docx_times["bare"])[index],
        )
    if has_office:
        pdf_times, _ = time_sides(
            {
                "ours": lambda _: ours("pdf"),
                "bare": lambda _: bare_pdf(bare_docx(data, filling), profile),
                "office": lambda _: bare_pdf(filled, profile),
            },
            list(range(arguments.pdf_runs)),
            desc="pdf renders",
        )
        for name, index in (("p50", 0), ("p95", 1)):
            table.row(
                f"pdf {name} (bare: docxtpl + soffice)",
                p50_p95(pdf_times["ours"])[index],
                p50_p95(pdf_times["bare"])[index],
            )
        table.row(
            "pdf p50 (bare: soffice alone)",
            p50_p95(pdf_times["ours"])[0],
            p50_p95(pdf_times["office"])[0],
        )
    else:
        print("LibreOffice (soffice) is not installed: the PDF rows are left out.")
    table.print()
    # The same document comes out of both: the table has its 50 rows.
    import docx

    rows = len(docx.Document(io.BytesIO(docx_answers["ours"][0])).tables[0].rows)
    assert rows == ROWS + 1, rows
    shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
