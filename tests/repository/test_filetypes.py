"""File type detection: types come from content, executables are refused whatever their name."""

import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.text import P
from rest_framework.test import APIClient

from repository.extraction import ForbiddenFileType, UninspectableArchive, detect_type
from repository.extraction import filetypes as types
from tests.helpers import new_version, upload, zip_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(48)
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + bytes(44)
    + b"\x80\x00\x00\x00"
    + bytes(64)
    + b"PE\x00\x00"
)
LNK = bytes.fromhex("4c0000000114020000000000c000000000000046") + bytes(56)
MINIMAL_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def write_zip(path: Path, members: dict[str, bytes]) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return str(path)


# ---------------------------------------------------------------- office formats


def test_docx_is_recognised_by_its_members_whatever_its_name(tmp_path: Path) -> None:
    """A .docx is typed by its zip members; its name plays no part."""
    path = tmp_path / "upload.bin"
    document = docx.Document()
    document.add_paragraph("hello")
    document.save(str(path))
    assert detect_type(str(path), "upload.bin") == types.DOCX
    assert detect_type(str(path), "report.pdf") == types.DOCX


def test_docx_with_vba_project_is_macro_enabled(tmp_path: Path) -> None:
    """A Word package with a VBA project is typed as macro-enabled."""
    members = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w/>",
        "word/vbaProject.bin": b"\x00",
    }
    assert detect_type(write_zip(tmp_path / "m.docx", members), "m.docx") == types.DOCM


def test_xlsx_is_recognised(tmp_path: Path) -> None:
    """An openpyxl workbook is typed as .xlsx whatever its name."""
    path = tmp_path / "book"
    workbook = openpyxl.Workbook()
    workbook.save(str(path))
    assert detect_type(str(path), "book.docx") == types.XLSX


def test_odt_and_ods_are_recognised_by_their_mimetype_member(tmp_path: Path) -> None:
    """ODF files are typed by their 'mimetype' member."""
    text = OpenDocumentText()
    text.text.addElement(P(text="hello"))
    text.save(str(tmp_path / "a"), False)
    sheet = OpenDocumentSpreadsheet()
    sheet.save(str(tmp_path / "b"), False)
    assert detect_type(str(tmp_path / "a"), "a.txt") == types.ODT
    assert detect_type(str(tmp_path / "b"), "b.odt") == types.ODS


def test_plain_zip_and_broken_zip_are_zip(tmp_path: Path) -> None:
    """A zip that is no office document, or whose directory is unreadable, is application/zip."""
    assert detect_type(write_zip(tmp_path / "a.zip", {"notes.txt": b"hi"}), "a.docx") == types.ZIP
    assert detect_type(write(tmp_path / "b.zip", b"PK\x03\x04" + bytes(100)), "b.zip") == types.ZIP


def test_zip_detection_does_not_inflate_members(tmp_path: Path) -> None:
    """Detection reads the central directory only: a zip bomb is detected instantly."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(64):
                member.write(bytes(1024 * 1024))
    started = time.perf_counter()
    assert detect_type(str(path), "bomb.docx") == types.DOCX
    assert time.perf_counter() - started < 0.2


# ---------------------------------------------------------------- other binary formats


def test_pdf_is_recognised_from_content_not_name(tmp_path: Path) -> None:
    """A PDF is a PDF whatever its name."""
    assert detect_type(write(tmp_path / "a", MINIMAL_PDF), "contract.docx") == types.PDF
    # Readers accept a little junk before the header; so do we.
    assert detect_type(write(tmp_path / "b", b"\r\n\r\n" + MINIMAL_PDF), "b") == types.PDF


def test_detection_reads_only_the_start_of_a_huge_file(tmp_path: Path) -> None:
    """A 64 GiB (sparse) PDF is typed in milliseconds: only the first KBs are read."""
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as file:
        file.write(MINIMAL_PDF)
        file.truncate(64 * 1024**3)
    started = time.perf_counter()
    assert detect_type(str(path), "huge.pdf") == types.PDF
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32), "image/jpeg"),
        (b"GIF89a" + bytes(32), "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(32), "image/webp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32), types.OLE_STORAGE),
        (bytes(range(256)) * 4, types.OCTET_STREAM),
    ],
    ids=["png", "jpeg", "gif", "webp", "ole", "unknown"],
)
def test_binary_formats_by_signature(tmp_path: Path, data: bytes, expected: str) -> None:
    """Common binary formats are typed by magic bytes; unknown binary is application/octet-stream."""
    assert detect_type(write(tmp_path / "file", data), "file.txt") == expected


def test_legacy_office_files_use_the_name_to_tell_ole_formats_apart(tmp_path: Path) -> None:
    """OLE2 containers look alike, so the suffix picks the legacy Office type."""
    path = write(tmp_path / "old", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert detect_type(path, "old.doc") == "application/msword"
    assert detect_type(path, "old.XLS") == "application/vnd.ms-excel"


# ---------------------------------------------------------------- text formats


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("notes.txt", types.TEXT_PLAIN),
        ("README.md", types.TEXT_MARKDOWN),
        ("table.csv", types.TEXT_CSV),
        ("page.html", types.TEXT_HTML),
        ("page.HTM", types.TEXT_HTML),
        ("no-extension", types.TEXT_PLAIN),
        ("fake.pdf", types.TEXT_PLAIN),
    ],
)
def test_text_is_named_by_extension(tmp_path: Path, filename: str, expected: str) -> None:
    """For text content the suffix picks the text type; a non-text suffix gives text/plain."""
    assert detect_type(write(tmp_path / "f", b"a,b\n1,2\n"), filename) == expected


def test_html_and_svg_are_sniffed_when_the_name_says_nothing(tmp_path: Path) -> None:
    """HTML and SVG are recognised from content when the suffix does not say."""
    html = write(tmp_path / "a", b"\n  <!DOCTYPE html><html><body>x</body></html>")
    assert detect_type(html, "download") == types.TEXT_HTML
    svg = write(tmp_path / "b", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')
    assert detect_type(svg, "logo.svg") == types.SVG


@pytest.mark.parametrize(
    "data",
    [
        "Отчёт по продажам за квартал".encode("cp1251"),
        "Отчёт по продажам".encode(),
        "Grüße".encode("utf-16"),
        b"",
        b"MZ is the country code of Mozambique.",
    ],
    ids=["cp1251", "utf-8", "utf-16", "empty", "starts-with-MZ"],
)
def test_text_in_any_common_encoding_is_text(tmp_path: Path, data: bytes) -> None:
    """Text in common encodings, an empty file and text starting with 'MZ' are text/plain."""
    assert detect_type(write(tmp_path / "a", data), "a.txt") == types.TEXT_PLAIN


def test_binary_with_nul_bytes_is_not_text(tmp_path: Path) -> None:
    """NUL bytes (without a UTF-16/32 BOM) mean binary."""
    assert detect_type(write(tmp_path / "a", b"hello\x00world" * 10), "a.txt") == types.OCTET_STREAM


# ---------------------------------------------------------------- executables


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (ELF, "report.pdf", "ELF executable"),
        (PE, "invoice.docx", "Windows executable (PE/MZ)"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(32), "scan.png", "Mach-O executable"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(32), "a.txt", "Mach-O universal binary"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x3d" + bytes(32), "Main.txt", "Java class file"),
        (b"#!/bin/sh\nrm -rf ~\n", "readme.txt", "script with a #! interpreter line"),
        (b"\xef\xbb\xbf#!/usr/bin/env python\n", "notes.md", "script with a #! interpreter line"),
        (LNK, "photo.jpg", "Windows shortcut (.lnk)"),
        (b"dex\n035\x00" + bytes(32), "data.csv", "Android DEX bytecode"),
    ],
    ids=["elf", "pe", "mach-o", "fat-mach-o", "java-class", "shebang", "bom-shebang", "lnk", "dex"],
)
def test_executables_are_refused_whatever_their_name(
    tmp_path: Path, data: bytes, filename: str, kind: str
) -> None:
    """Programs are refused by content, with a message naming the file and the kind."""
    with pytest.raises(ForbiddenFileType, match="not a document") as raised:
        detect_type(write(tmp_path / "upload", data), filename)
    assert raised.value.kind == kind
    assert filename in str(raised.value)


def test_java_and_android_archives_are_refused(tmp_path: Path) -> None:
    """Zip-packaged programs (.jar, .apk) are refused by their members."""
    jar = write_zip(
        tmp_path / "a",
        {"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "com/x/Main.class": b"\xca\xfe"},
    )
    with pytest.raises(ForbiddenFileType, match=r"Java archive \(\.jar\)"):
        detect_type(jar, "archive.zip")
    apk = write_zip(
        tmp_path / "b", {"AndroidManifest.xml": b"\x03\x00", "classes.dex": b"dex\n035\x00"}
    )
    with pytest.raises(ForbiddenFileType, match="Android"):
        detect_type(apk, "photos.zip")


@pytest.mark.parametrize(
    "filename", ["setup.exe", "run.BAT", "invoice.pdf.js", "installer.msi", "go.sh"]
)
def test_executable_suffixes_are_refused_whatever_the_content(
    tmp_path: Path, filename: str
) -> None:
    """A suffix that a desktop would run is refused even over harmless bytes."""
    with pytest.raises(ForbiddenFileType, match="can run programs"):
        detect_type(write(tmp_path / "a", MINIMAL_PDF), filename)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2048),
    filename=st.sampled_from(["a.txt", "a.pdf", "a", "a.docx", "a.md"]),
)
def test_random_bytes_give_a_type_or_forbidden(tmp_path: Path, data: bytes, filename: str) -> None:
    """Detection never fails on content: a MIME type string, or ForbiddenFileType."""
    path = write(tmp_path / "fuzz", data)
    try:
        result = detect_type(path, filename)
    except ForbiddenFileType:
        return
    assert isinstance(result, str)
    assert "/" in result


def _zip_of(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(count):
            archive.writestr(f"member-{number}.txt", b"")
    return buffer.getvalue()


def test_a_zip_too_large_to_check_is_refused_on_upload_and_new_version(
    monkeypatch: pytest.MonkeyPatch, alice: APIClient, tmp_path: Path
) -> None:
    """Past the inspected size the member names (which reveal programs) go unchecked, so the
    archive is refused in every path instead of passing as a plain zip."""
    monkeypatch.setattr(types, "MAX_INSPECTED_ENTRIES", 100)
    response = upload(alice, _zip_of(101), "photos.zip")
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "uninspectable_archive"
    accepted = upload(alice, _zip_of(100), "photos.zip")
    assert accepted.status_code == 201, accepted.content
    refused = new_version(alice, accepted.json()["id"], _zip_of(101), "photos.zip")
    assert refused.status_code == 415, refused.content
    with pytest.raises(UninspectableArchive):
        detect_type(write(tmp_path / "photos.zip", _zip_of(101)), "photos.zip")


# ---------------------------------------------------------------- programs inside files


def _with_unicode_path(name: str, shown_as: str) -> bytes:
    """A zip whose member is recorded as `name`, with an Info-ZIP Unicode Path field
    `shown_as`: the name unzip and 7-Zip write it under."""
    encoded = shown_as.encode()
    crc = zlib.crc32(name.encode()).to_bytes(4, "little")
    field = struct.pack("<2H", 0x7075, 5 + len(encoded)) + b"\x01" + crc + encoded
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.extra = field
        archive.writestr(info, b"MZ")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "filename", ["setup.exe. ", "SETUP.EXE", "a/b\\setup.exe", ".exe", "invoice.pdf.scr"]
)
def test_program_suffix_is_the_one_windows_goes_by(tmp_path: Path, filename: str) -> None:
    """Trailing dots and spaces are dropped and case ignored, as Windows does; only the last
    suffix counts."""
    with pytest.raises(ForbiddenFileType, match="can run programs"):
        detect_type(write(tmp_path / "a", MINIMAL_PDF), filename)
    assert detect_type(write(tmp_path / "b", MINIMAL_PDF), "setup.exe.pdf") == types.PDF


def test_a_zip_is_found_by_the_last_end_record_whose_directory_is_real(tmp_path: Path) -> None:
    """Java skips an end record whose directory is not where it says and takes the one
    before; so does detection (zipfile, which takes the last record, would see no zip)."""
    jar = write_zip(
        tmp_path / "a", {"META-INF/MANIFEST.MF": b"Main-Class: A\n", "A.class": b"\xca\xfe"}
    )
    fake_end_record = b"PK\x05\x06" + bytes(6) + struct.pack("<HLLH", 1, 46, 0, 0)
    path = write(tmp_path / "b", Path(jar).read_bytes() + b"\n" + fake_end_record)
    with pytest.raises(ForbiddenFileType, match=r"Java archive"):
        detect_type(path, "archive.zip")


def test_names_that_unzip_writes_instead_are_checked(tmp_path: Path) -> None:
    """A member recorded as readme.txt that unzip extracts as setup.exe is a program."""
    path = write(tmp_path / "a", _with_unicode_path("readme.txt", "setup.exe"))
    with pytest.raises(ForbiddenFileType, match=r"setup\.exe"):
        detect_type(path, "docs.zip")


def test_names_are_also_read_as_c_unpackers_read_them(tmp_path: Path) -> None:
    """A NUL ends a name for unpackers written in C: "setup.exe\\0.txt" unpacks as setup.exe."""
    content = zip_bytes({"setup.exe#.txt": b"MZ"}).replace(b"setup.exe#", b"setup.exe\x00")
    with pytest.raises(ForbiddenFileType, match=r"\.exe file"):
        detect_type(write(tmp_path / "a", content), "docs.zip")


def test_archives_nested_deeper_than_checked_are_refused(tmp_path: Path) -> None:
    """Two levels of zips inside the upload are read; a third is refused, not passed unread."""
    two_levels = {"a.zip": zip_bytes({"b.zip": zip_bytes({"c.txt": b"x"})})}
    assert detect_type(write_zip(tmp_path / "a", two_levels), "a.zip") == types.ZIP
    three_levels = {"a.zip": zip_bytes({"b.zip": zip_bytes({"c.zip": zip_bytes({})})})}
    with pytest.raises(UninspectableArchive, match="nested too deep"):
        detect_type(write_zip(tmp_path / "b", three_levels), "a.zip")


def test_an_encrypted_archive_inside_is_refused(tmp_path: Path) -> None:
    """The password that opens it would show its programs; detection has none."""
    content = bytearray(zip_bytes({"secret.zip": zip_bytes({"notes.txt": b"x"})}))
    directory_entry = content.index(b"PK\x01\x02")
    content[directory_entry + 8] |= 0x1  # the encrypted flag; deflated bytes stand in for cipher
    content[6] |= 0x1  # and in the local header
    buffer = io.BytesIO(bytes(content))
    with pytest.raises(UninspectableArchive, match="encrypted"):
        detect_type(write(tmp_path / "a", buffer.getvalue()), "a.zip")


def test_archives_inside_are_read_within_the_inspection_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What an inner zip inflates to counts: past the budget the upload is refused."""
    inner = zip_bytes({f"{number}.txt": bytes(8 * 1024) for number in range(32)})
    path = write_zip(tmp_path / "a", {"inner.zip": inner})
    assert detect_type(path, "a.zip") == types.ZIP
    monkeypatch.setattr(types, "MAX_INSPECTED_BYTES", len(inner) // 2)
    with pytest.raises(UninspectableArchive, match="cannot be checked"):
        detect_type(path, "a.zip")


def test_the_number_of_archives_opened_inside_is_bounded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each inner zip costs an opening however small: past the limit the upload is refused."""
    path = write_zip(tmp_path / "a", {f"{number}.zip": zip_bytes({}) for number in range(3)})
    assert detect_type(path, "a.zip") == types.ZIP
    monkeypatch.setattr(types, "MAX_INSPECTED_ARCHIVES", 2)
    with pytest.raises(UninspectableArchive, match="2 zips inside"):
        detect_type(path, "a.zip")


def test_detection_stays_cheap_on_huge_files_that_point_far(tmp_path: Path) -> None:
    """A 64 GiB (sparse) text starting with MZ, pointing far for its PE header, and a 64 GiB
    PDF with a zip at its end are typed in milliseconds: a few small reads, no scan."""
    text = tmp_path / "huge.txt"
    with open(text, "wb") as file:
        file.write(b"MZ" + b"z" * 58 + b"\x7f\x7f\x7f\x7f" + b"Mozambique. " * 1000)
        file.truncate(64 * 1024**3)
    pdf = tmp_path / "huge.pdf"
    with open(pdf, "wb") as file:
        file.write(MINIMAL_PDF)
        file.seek(64 * 1024**3)
        file.write(zip_bytes({"scan.txt": b"x"}))
    started = time.perf_counter()
    assert detect_type(str(text), "huge.txt") == types.TEXT_PLAIN
    assert detect_type(str(pdf), "huge.pdf") == types.PDF
    assert time.perf_counter() - started < 0.5
