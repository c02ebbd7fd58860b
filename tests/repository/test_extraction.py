"""Text extraction: every supported format, hostile archives and XML, and the error contract."""

import functools
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import Footer, Header, MasterPage, PageLayout
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from repository.extraction import ExtractionError, ExtractionLimits, can_extract, extract_text
from repository.extraction import filetypes as types

MIB = 1024 * 1024
GIB = 1024 * MIB
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PASSWD_MARKER = "root:"


# ---------------------------------------------------------------- builders


def build_docx(path: Path) -> Path:
    """A .docx with words placed in exactly one place each: body, table, header, footer."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "headerword"
    section.footer.paragraphs[0].text = "footerword"
    document.add_paragraph("bodyword before the table")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "cellword"
    table.cell(0, 1).text = "neighbourcell"
    table.cell(1, 1).text = "lowercell"
    document.add_paragraph("afterword after the table")
    document.save(str(path))
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_members(document_xml: bytes) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": DOCX_CONTENT_TYPES,
        "_rels/.rels": DOCX_PACKAGE_RELS,
        "word/document.xml": document_xml,
    }


def word_body(inner: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{inner}</w:body></w:document>"
    ).encode()


def build_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Budget"
    first.append(["xlsxword", 42, 2.5])
    first.append([None, "secondrow"])
    second = workbook.create_sheet("Contacts")
    second["C7"] = "sheettwoword"
    workbook.save(str(path))
    return path


def build_odt(path: Path) -> Path:
    document = OpenDocumentText()
    layout = PageLayout(name="pm1")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(P(text="odtheaderword"))
    master.addElement(header)
    footer = Footer()
    footer.addElement(P(text="odtfooterword"))
    master.addElement(footer)
    document.masterstyles.addElement(master)
    document.text.addElement(H(outlinelevel=1, text="odtheading"))
    paragraph = P()
    teletype.addTextToElement(paragraph, "spaced  out\tand tabbed")
    document.text.addElement(paragraph)
    table = Table(name="T1")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for text in ("odtcellword", "odtneighbour"):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path


def make_pdf(pages: list[str]) -> bytes:
    """A minimal, valid PDF written by hand: one Helvetica text line per page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{4 + 2 * index} 0 R" for index in range(len(pages)))
            + f"] /Count {len(pages)} >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, text in enumerate(pages):
        content = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(frozen=True)
class RawMember:
    """A zip member written byte for byte, so its header may say whatever a test wants."""

    name: str
    data: bytes  # raw deflate data when method is ZIP_DEFLATED
    declared_size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, data: bytes) -> RawMember:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = compressor.compress(data) + compressor.flush()
    return RawMember(name, raw, len(data), zlib.crc32(data))


def write_raw_zip(path: Path, members: list[RawMember]) -> Path:
    central = []
    with open(path, "wb") as out:
        for member in members:
            offset = out.tell()
            name = member.name.encode()
            sizes = (member.crc, len(member.data), member.declared_size)
            out.write(
                struct.pack(
                    "<4s5H3L2H", b"PK\x03\x04", 20, 0, member.method, 0, 0x21, *sizes, len(name), 0
                )
            )
            out.write(name)
            out.write(member.data)
            central.append(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    member.method,
                    0,
                    0x21,
                    *sizes,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
        directory_offset = out.tell()
        for record in central:
            out.write(record)
        directory_size = out.tell() - directory_offset
        out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                len(members),
                len(members),
                directory_size,
                directory_offset,
                0,
            )
        )
    return path


@functools.cache
def zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """Raw deflate data of `mebibytes` MiB of zeros (about 1 KB per MiB) and their CRC.

    After a full flush the compressor state repeats, so one compressed MiB is reused
    for every MiB: building a 1 GiB bomb costs a megabyte and a fraction of a second.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zero_mib = bytes(MIB)
    block = compressor.compress(zero_mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * mebibytes + compressor.flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zero_mib, crc)
    return data, crc


def docx_bomb(path: Path, *, mebibytes: int, declared_size: int | None = None) -> Path:
    data, crc = zeros_deflated(mebibytes)
    bomb = RawMember("word/document.xml", data, declared_size or mebibytes * MIB, crc)
    prelude = [
        deflated("[Content_Types].xml", DOCX_CONTENT_TYPES),
        deflated("_rels/.rels", DOCX_PACKAGE_RELS),
    ]
    return write_raw_zip(path, [*prelude, bomb])


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# ---------------------------------------------------------------- .docx


def test_docx_finds_words_in_body_table_header_and_footer(tmp_path: Path) -> None:
    """Body paragraphs, table cells, header and footer are all extracted, in reading order."""
    text = extract_text(str(build_docx(tmp_path / "a.docx")), types.DOCX)
    for word in (
        "bodyword",
        "cellword",
        "neighbourcell",
        "lowercell",
        "headerword",
        "footerword",
        "afterword",
    ):
        assert word in text
    assert text.index("headerword") < text.index("bodyword") < text.index("cellword")
    assert text.index("cellword") < text.index("afterword") < text.index("footerword")
    assert "cellword\tneighbourcell" in text  # one table row per line, cells tab-separated


def test_docx_reads_content_controls_and_text_boxes_once(tmp_path: Path) -> None:
    """Text in content controls is read; a text box's VML fallback copy and deleted text are not."""
    body = word_body(
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>controlword</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
        "<w:r><w:t>left</w:t><w:tab/><w:t>right</w:t></w:r>"
        "<w:del><w:r><w:delText>deletedword</w:delText></w:r></w:del>"
        "<w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>boxword</w:t></w:r></w:p>"
        "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>boxword</w:t></w:r></w:p>"
        "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    path = write_zip(tmp_path / "b.docx", docx_members(body))
    text = extract_text(str(path), types.DOCX)
    assert "controlword" in text
    assert "left\tright" in text
    assert text.count("boxword") == 1
    assert "deletedword" not in text


def test_docx_reads_footnotes_and_comments_after_the_body(tmp_path: Path) -> None:
    """Parts reached through the main part's relationships (footnotes, comments) are read."""
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = docx_members(word_body("<w:p><w:r><w:t>bodyword</w:t></w:r></w:p>"))
    members["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId7" Type="{relationships}/footnotes" Target="footnotes.xml"/>'
        f'<Relationship Id="rId8" Type="{relationships}/comments" Target="/word/comments.xml"/>'
        f'<Relationship Id="rId9" Type="{relationships}/hyperlink" Target="https://example.org" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    members["word/footnotes.xml"] = (
        f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>footnoteword</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    members["word/comments.xml"] = (
        f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="0"><w:p><w:r><w:t>commentword</w:t>'
        "</w:r></w:p></w:comment></w:comments>"
    ).encode()
    text = extract_text(str(write_zip(tmp_path / "notes.docx", members)), types.DOCX)
    assert text.splitlines() == ["bodyword", "footnoteword", "commentword"]


def test_docx_with_external_entity_is_refused_and_leaks_nothing(tmp_path: Path) -> None:
    """XXE: a DOCTYPE declaring a SYSTEM entity on /etc/passwd is refused, never resolved."""
    body = word_body(
        "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>",
        prolog='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    path = write_zip(tmp_path / "xxe.docx", docx_members(body))
    with pytest.raises(ExtractionError, match="DTD/entities is not accepted") as raised:
        extract_text(str(path), types.DOCX)
    assert PASSWD_MARKER not in str(raised.value)


def test_docx_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    """Nested entity expansion is refused at the DOCTYPE, before any expansion happens."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    )
    body = word_body(
        "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=f"<!DOCTYPE lolz [{entities}]>"
    )
    path = write_zip(tmp_path / "laughs.docx", docx_members(body))
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="DTD/entities is not accepted"):
        extract_text(str(path), types.DOCX)
    assert time.perf_counter() - started < 1


def test_docx_with_internal_entity_or_unbound_prefix_is_refused(tmp_path: Path) -> None:
    """An internal DTD subset is refused like an external one; broken XML names its place."""
    body = word_body(
        "<w:p><w:r><w:t>&greeting;</w:t></w:r></w:p>",
        prolog='<!DOCTYPE x [<!ENTITY greeting "hello">]>',
    )
    path = write_zip(tmp_path / "internal.docx", docx_members(body))
    with pytest.raises(ExtractionError, match=r"^XML with a DTD/entities is not accepted \("):
        extract_text(str(path), types.DOCX)
    path = write_zip(tmp_path / "prefix.docx", docx_members(word_body("<x:p/>")))
    with pytest.raises(
        ExtractionError,
        match=r"^not a valid \.docx: malformed XML in word/document\.xml: unbound prefix: "
        r"line 1, column \d+$",
    ):
        extract_text(str(path), types.DOCX)


def test_xml_target_gets_elementtree_names_and_whole_text_in_any_chunking() -> None:
    """Tags and attributes arrive as '{namespace}local', text with references resolved,
    however the bytes are split into chunks."""
    from repository.extraction._xml import parse_stream

    class Recorder:
        def __init__(self) -> None:
            self.events: list[tuple[str, ...]] = []
            self.text: list[str] = []

        def start(self, tag: str, attrib: dict[str, str]) -> None:
            self.events.append(("start", tag, *sorted(attrib.items())[0]))

        def end(self, tag: str) -> None:
            self.events.append(("end", tag, "".join(self.text)))
            self.text.clear()

        def data(self, data: str) -> None:
            self.text.append(data)

        def close(self) -> None:
            self.events.append(("close",))

    xml = (
        b'<r xmlns="urn:a" xmlns:b="urn:b" b:k="v"><b:c plain="1">'
        b"x&amp;y&#1103;<![CDATA[<z>]]><!-- note -->w</b:c></r>"
    )
    expected = [
        ("start", "{urn:a}r", "{urn:b}k", "v"),
        ("start", "{urn:b}c", "plain", "1"),
        ("end", "{urn:b}c", "x&yя<z>w"),
        ("end", "{urn:a}r", ""),
        ("close",),
    ]
    for size in (1, 7, len(xml)):
        recorder = Recorder()
        chunks = [xml[index : index + size] for index in range(0, len(xml), size)]
        parse_stream(chunks, recorder, part="p.xml", label=".docx")
        assert recorder.events == expected


def test_docx_zip_bomb_of_one_gibibyte_is_refused_quickly(tmp_path: Path) -> None:
    """A 1 GiB member of zeros (~1 MB compressed) is refused from its declared size in < 2 s."""
    path = docx_bomb(tmp_path / "bomb.docx", mebibytes=1024)
    assert path.stat().st_size < 2 * MIB
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="zip bomb"):
        extract_text(str(path), types.DOCX)
    assert time.perf_counter() - started < 2


def test_docx_zip_bomb_with_lying_header_stops_at_declared_size(tmp_path: Path) -> None:
    """A header declaring 4 KiB over 1 GiB of data is caught by the byte budget, in flat memory."""
    path = docx_bomb(tmp_path / "liar.docx", mebibytes=1024, declared_size=4096)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(
            ExtractionError, match=r"zip bomb: member 'word/document\.xml' inflates past"
        ):
            extract_text(str(path), types.DOCX)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 16 * MIB


def test_docx_member_over_the_compression_ratio_is_refused(tmp_path: Path) -> None:
    """A member under the total size limit but compressed ~1000:1 is refused by ratio."""
    path = docx_bomb(tmp_path / "ratio.docx", mebibytes=200)
    with pytest.raises(
        ExtractionError, match=r"zip bomb: member 'word/document.xml' compresses \d+:1"
    ):
        extract_text(str(path), types.DOCX)


def test_docx_of_many_small_members_over_the_overall_ratio_is_refused(tmp_path: Path) -> None:
    """Members each too small to be judged alone still count towards the archive's ratio."""
    data, crc = zeros_deflated(1)
    members = [RawMember(f"word/media/part{index}.xml", data, MIB, crc) for index in range(50)]
    path = write_raw_zip(
        tmp_path / "spread.docx", [deflated("_rels/.rels", DOCX_PACKAGE_RELS), *members]
    )
    with pytest.raises(ExtractionError, match=r"zip bomb: archive compresses \d+:1"):
        extract_text(str(path), types.DOCX)


def test_docx_with_twenty_thousand_entries_is_refused(tmp_path: Path) -> None:
    """The entry count is read from the end record and refused before zipfile lists entries."""
    empty = [
        RawMember(f"word/media/{index}.bin", b"", 0, 0, zipfile.ZIP_STORED)
        for index in range(20_000)
    ]
    path = write_raw_zip(
        tmp_path / "many.docx", [deflated("_rels/.rels", DOCX_PACKAGE_RELS), *empty]
    )
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="zip bomb: 20001 entries exceed the limit of 10000"):
        extract_text(str(path), types.DOCX)
    assert time.perf_counter() - started < 1


def test_docx_limits_are_configurable(tmp_path: Path) -> None:
    """Tighter limits apply: a normal .docx is refused when it has more entries than allowed."""
    path = str(build_docx(tmp_path / "a.docx"))
    with pytest.raises(ExtractionError, match="entries exceed the limit of 3"):
        extract_text(path, types.DOCX, ExtractionLimits(max_zip_entries=3))
    with pytest.raises(ExtractionError, match="declare more than 100 bytes"):
        extract_text(path, types.DOCX, ExtractionLimits(max_total_uncompressed=100))


def test_docx_without_main_part_or_not_a_zip_is_invalid(tmp_path: Path) -> None:
    """A zip without a main document part, or not a zip at all, is 'not a valid .docx'."""
    empty_zip = write_zip(tmp_path / "empty.docx", {"hello.txt": b"hi"})
    with pytest.raises(ExtractionError, match=r"not a valid \.docx: no main document part"):
        extract_text(str(empty_zip), types.DOCX)
    with pytest.raises(ExtractionError, match=r"not a valid \.docx: not a zip archive"):
        extract_text(write(tmp_path / "text.docx", b"just some text"), types.DOCX)


def test_docx_with_corrupted_member_data_is_invalid(tmp_path: Path) -> None:
    """Flipped bytes inside compressed data surface as ExtractionError (CRC or deflate error)."""
    good = build_docx(tmp_path / "a.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    broken = bytearray(good)
    for position in range(start + 10, start + 40):
        broken[position] ^= 0xFF
    with pytest.raises(ExtractionError, match=r"not a valid \.docx"):
        extract_text(write(tmp_path / "broken.docx", bytes(broken)), types.DOCX)


# ---------------------------------------------------------------- .xlsx


def test_xlsx_extracts_cell_values_sheet_by_sheet(tmp_path: Path) -> None:
    """Each sheet gives its title, then one tab-joined line per row; numbers read as written."""
    text = extract_text(str(build_xlsx(tmp_path / "a.xlsx")), types.XLSX)
    lines = text.splitlines()
    assert lines[0] == "Budget"
    assert "xlsxword\t42\t2.5" in lines
    assert "secondrow" in text
    assert text.index("Contacts") < text.index("sheettwoword")


def test_xlsx_with_dtd_in_any_xml_part_is_refused_before_openpyxl(tmp_path: Path) -> None:
    """openpyxl may parse with lxml, so every XML part is checked for a DOCTYPE first."""
    source = build_xlsx(tmp_path / "a.xlsx")
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    workbook_xml = members["xl/workbook.xml"].decode()
    declaration_end = workbook_xml.index("?>") + 2 if workbook_xml.startswith("<?xml") else 0
    members["xl/workbook.xml"] = (
        workbook_xml[:declaration_end]
        + '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + workbook_xml[declaration_end:]
    ).encode()
    path = write_zip(tmp_path / "xxe.xlsx", members)
    with pytest.raises(ExtractionError, match="DTD/entities is not accepted"):
        extract_text(str(path), types.XLSX)


def test_xlsx_lying_header_and_overlapping_members_are_refused(tmp_path: Path) -> None:
    """The full verification pass catches what declared sizes alone cannot."""
    data, crc = zeros_deflated(64)
    liar = write_raw_zip(tmp_path / "liar.xlsx", [RawMember("xl/workbook.xml", data, 1000, crc)])
    with pytest.raises(ExtractionError, match="inflates past its declared size of 1000"):
        extract_text(str(liar), types.XLSX)

    member = deflated("xl/worksheets/sheet1.xml", b"<worksheet/>" * 10)
    overlap = tmp_path / "overlap.xlsx"
    write_raw_zip(overlap, [member, member])
    raw = bytearray(overlap.read_bytes())
    second_record = raw.rindex(b"PK\x01\x02")
    struct.pack_into("<L", raw, second_record + 42, 0)  # point the second entry at the first
    overlap.write_bytes(bytes(raw))
    with pytest.raises(ExtractionError, match="overlap"):
        extract_text(str(overlap), types.XLSX)


# ---------------------------------------------------------------- .odt


def test_odt_extracts_headings_paragraphs_tables_header_and_footer(tmp_path: Path) -> None:
    """Headings, paragraphs (spaces and tabs kept), table rows, and master-page header/footer."""
    text = extract_text(str(build_odt(tmp_path / "a.odt")), types.ODT)
    assert "odtheading" in text
    assert "spaced  out\tand tabbed" in text
    assert "odtcellword\todtneighbour" in text
    assert text.index("odtheaderword") < text.index("odtheading") < text.index("odtfooterword")


def test_odt_space_run_is_capped_and_dtd_refused(tmp_path: Path) -> None:
    """<text:s text:c="1000000000"/> cannot inflate the text; a DOCTYPE is refused."""
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    content = (
        f'<office:document-content xmlns:office="{office_ns}" xmlns:text="{text_ns}">'
        '<office:body><office:text><text:p>a<text:s text:c="1000000000"/>b</text:p>'
        "</office:text></office:body></office:document-content>"
    )
    path = write_zip(
        tmp_path / "spaces.odt", {"mimetype": types.ODT.encode(), "content.xml": content.encode()}
    )
    assert len(extract_text(str(path), types.ODT)) < 200
    hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>' + content
    path = write_zip(
        tmp_path / "dtd.odt", {"mimetype": types.ODT.encode(), "content.xml": hostile.encode()}
    )
    with pytest.raises(ExtractionError, match="DTD/entities is not accepted"):
        extract_text(str(path), types.ODT)


# ---------------------------------------------------------------- .pdf


def test_pdf_extracts_text_of_every_page(tmp_path: Path) -> None:
    """Text from each page of a hand-written PDF is extracted."""
    path = write(tmp_path / "a.pdf", make_pdf(["Hello Kontor", "Second page here"]))
    text = extract_text(path, types.PDF)
    assert "Hello Kontor" in text
    assert "Second page here" in text


def test_pdf_page_cap_stops_reading(tmp_path: Path) -> None:
    """Pages past max_pdf_pages are not read."""
    path = write(tmp_path / "a.pdf", make_pdf(["pageone", "pagetwo", "pagethree"]))
    text = extract_text(path, types.PDF, ExtractionLimits(max_pdf_pages=2))
    assert "pagetwo" in text
    assert "pagethree" not in text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not a pdf at all",
        make_pdf(["Hello Kontor"])[:60],
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
    ],
    ids=["garbage", "truncated", "dangling-pages"],
)
def test_corrupt_pdf_raises_extraction_error(tmp_path: Path, data: bytes) -> None:
    """Garbage, truncated or structurally broken PDFs raise ExtractionError naming the format."""
    with pytest.raises(ExtractionError, match=r"\.pdf"):
        extract_text(write(tmp_path / "bad.pdf", data), types.PDF)


# ---------------------------------------------------------------- HTML and plain text


def test_html_drops_scripts_and_styles_and_decodes_entities(tmp_path: Path) -> None:
    """Only visible text: no script/style/noscript/template; entities decoded; blocks become lines."""
    html = (
        "<!DOCTYPE html><html><head><title>Page title</title><style>.x{color:red}</style>"
        "<script>var secretScript = 1;</script></head><body><h1>Caf&eacute; &amp; bar</h1>"
        "<p>First&nbsp;para<br>next line</p><noscript>enable js</noscript>"
        "<template>templated</template><p>&#1055;&#1088;&#1080;&#1074;&#1077;&#1090;</p></body></html>"
    )
    text = extract_text(write(tmp_path / "a.html", html.encode()), types.TEXT_HTML)
    assert "secretScript" not in text
    assert "color:red" not in text
    assert "enable js" not in text
    assert "templated" not in text
    assert text.splitlines() == ["Page title", "Café & bar", "First para", "next line", "Привет"]


def test_html_honours_meta_charset(tmp_path: Path) -> None:
    """A <meta charset> declaration decides how the bytes are decoded."""
    html = '<html><head><meta charset="windows-1251"></head><body>Привет, мир</body></html>'
    text = extract_text(write(tmp_path / "a.html", html.encode("cp1251")), types.TEXT_HTML)
    assert "Привет, мир" in text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Договор поставки № 15 от 1 марта".encode("cp1251"), "Договор поставки № 15 от 1 марта"),
        ("Привет, это обычный текст".encode("utf-8-sig"), "Привет, это обычный текст"),
        (
            "Le café de la gare, déjà vu à Noël".encode("cp1252"),
            "Le café de la gare, déjà vu à Noël",
        ),
        ("Grüße aus Köln".encode("utf-16"), "Grüße aus Köln"),
        (b"plain ascii", "plain ascii"),
    ],
    ids=["cp1251", "utf-8-sig", "cp1252", "utf-16", "ascii"],
)
def test_plain_text_decodes_common_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    """UTF-8 (with or without BOM), UTF-16, cp1251 and cp1252 text decodes correctly."""
    assert extract_text(write(tmp_path / "a.txt", data), types.TEXT_PLAIN) == expected


def test_markdown_and_csv_are_plain_text_and_parameters_are_ignored(tmp_path: Path) -> None:
    """CSV and Markdown decode like plain text; MIME parameters (charset=...) are ignored."""
    path = write(tmp_path / "a.csv", "\n".join(["имя;город", "Иван;Москва"]).encode("cp1251"))
    assert "Иван;Москва" in extract_text(path, "text/csv; charset=windows-1251")
    path = write(tmp_path / "a.md", b"# Title\n\n*emphasis*")
    assert extract_text(path, types.TEXT_MARKDOWN) == "# Title\n\n*emphasis*"


def test_text_is_truncated_and_cleaned(tmp_path: Path) -> None:
    """The cap truncates; NUL characters (which PostgreSQL rejects) are removed."""
    limits = ExtractionLimits(max_text_chars=10)
    assert (
        extract_text(write(tmp_path / "a.txt", b"x" * 1000), types.TEXT_PLAIN, limits) == "x" * 10
    )
    docx_text = extract_text(str(build_docx(tmp_path / "a.docx")), types.DOCX, limits)
    assert len(docx_text) <= 10
    assert extract_text(write(tmp_path / "n.txt", b"a\x00b"), types.TEXT_PLAIN) == "ab"


def test_unsupported_type_raises_extraction_error(tmp_path: Path) -> None:
    """A type without an extractor raises ExtractionError with the exact message."""
    path = write(tmp_path / "a.png", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ExtractionError, match=r"^no text extractor for image/png$"):
        extract_text(path, "image/png")


def test_can_extract_ignores_case_and_parameters_as_extract_text_does(tmp_path: Path) -> None:
    """can_extract answers for exactly the spellings extract_text reads ("macroEnabled" or not)."""
    for spelling in (types.XLSM, types.XLSM.lower(), types.DOCM.upper(), "Text/Plain; charset=x"):
        assert can_extract(spelling), spelling
    assert not can_extract("image/png")
    path = str(build_xlsx(tmp_path / "a.xlsx"))
    assert extract_text(path, types.XLSM.lower()) == extract_text(path, types.XLSM)


# ---------------------------------------------------------------- any bytes, any type


@functools.cache
def sample_documents() -> dict[str, bytes]:
    """One valid file per supported type, for the fuzz test to mutate."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        return {
            types.DOCX: build_docx(base / "a.docx").read_bytes(),
            types.XLSX: build_xlsx(base / "a.xlsx").read_bytes(),
            types.ODT: build_odt(base / "a.odt").read_bytes(),
            types.PDF: make_pdf(["Hello Kontor"]),
            types.TEXT_HTML: b"<html><body><p>Hello &amp; bye</p><script>x</script></body></html>",
            types.TEXT_PLAIN: "Привет".encode("cp1251"),
        }


MIME_TYPES = sorted(
    {types.DOCX, types.XLSX, types.ODT, types.ODS, types.PDF, types.TEXT_HTML, types.TEXT_PLAIN,
     types.TEXT_CSV, types.TEXT_MARKDOWN, "image/png"}
)  # fmt: skip
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_contract(path: Path, data: bytes, mime_type: str) -> None:
    path.write_bytes(data)
    try:
        result = extract_text(str(path), mime_type)
    except ExtractionError:
        return
    assert isinstance(result, str)


@FUZZ
@given(data=st.binary(max_size=4096), mime_type=st.sampled_from(MIME_TYPES))
def test_random_bytes_give_text_or_extraction_error(
    tmp_path: Path, data: bytes, mime_type: str
) -> None:
    """Whatever the bytes and the claimed type: a str or ExtractionError, nothing else."""
    check_contract(tmp_path / "fuzz", data, mime_type)


def damage(data: bytes, flips: list[tuple[float, int]], cut: float | None) -> bytes:
    damaged = bytearray(data)
    for where, value in flips:
        if damaged:
            damaged[int(where * len(damaged))] = value
    if cut is not None:
        damaged = damaged[: int(cut * len(damaged))]
    return bytes(damaged)


FLIPS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8)
CUTS = st.one_of(st.none(), st.floats(0, 1))


@FUZZ
@given(mime_type=st.sampled_from(sorted(sample_documents())), flips=FLIPS, cut=CUTS)
def test_damaged_documents_give_text_or_extraction_error(
    tmp_path: Path, mime_type: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    """Valid documents with bytes overwritten and/or truncated keep the same contract."""
    data = damage(sample_documents()[mime_type], flips, cut)
    check_contract(tmp_path / "fuzz", data, mime_type)


MAIN_XML_PARTS = {
    types.DOCX: "word/document.xml",
    types.XLSX: "xl/worksheets/sheet1.xml",
    types.ODT: "content.xml",
}


@FUZZ
@given(mime_type=st.sampled_from(sorted(MAIN_XML_PARTS)), flips=FLIPS, cut=CUTS)
def test_damaged_xml_inside_sound_archives_gives_text_or_extraction_error(
    tmp_path: Path, mime_type: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    """Damage behind a valid zip layer reaches the XML parsers and openpyxl themselves."""
    with zipfile.ZipFile(io.BytesIO(sample_documents()[mime_type])) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    part = MAIN_XML_PARTS[mime_type]
    members[part] = damage(members[part], flips, cut)
    rezipped = tmp_path / "rezipped"
    write_zip(rezipped, members)
    check_contract(tmp_path / "fuzz", rezipped.read_bytes(), mime_type)
