"""Text extraction of .pptx/.pptm, .rtf and legacy .xls: real files built here, hostile ones too."""

import datetime
import functools
import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from repository.extraction import ExtractionError, ExtractionLimits, detect_type, extract_text
from repository.extraction import filetypes as types
from tests.conftest import wait_for
from tests.helpers import upload, zip_bytes
from tests.repository.test_extraction import (
    RawMember,
    check_contract,
    write_raw_zip,
    zeros_deflated,
)

RTF = "application/rtf"
XLS = "application/vnd.ms-excel"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SLIDE_NUMBER_PLACEHOLDER = "\u2039#\u203a"  # what an unfilled slide-number field holds
DTD = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# ---------------------------------------------------------------- .pptx builders


def xml_part(root: str, inner: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<{root} xmlns:a="{A_NS}" xmlns:p="{P_NS}" xmlns:r="{R_NS}">{inner}</{root}>'
    ).encode()


def shapes(*bodies: str) -> str:
    return f"<p:cSld><p:spTree>{''.join(bodies)}</p:spTree></p:cSld>"


def text_shape(*paragraphs: str) -> str:
    return f"<p:sp><p:txBody><a:bodyPr/>{''.join(paragraphs)}</p:txBody></p:sp>"


def paragraph(*runs: str) -> str:
    return (
        "<a:p>"
        + "".join(f"<a:r><a:rPr lang='en'/><a:t>{run}</a:t></a:r>" for run in runs)
        + "</a:p>"
    )


def slide_number_field(shown: str) -> str:
    return f"<a:p><a:fld id='{{B6F15528}}' type='slidenum'><a:t>{shown}</a:t></a:fld></a:p>"


def relationships(*entries: tuple[str, str, str]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS_NS}">'
        + "".join(
            f'<Relationship Id="{rel_id}" Type="{R_NS}/{rel_type}" Target="{target}"/>'
            for rel_id, rel_type, target in entries
        )
        + "</Relationships>"
    ).encode()


PPTX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.presentationml.presentation.main+xml"/>'
    b'<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.presentationml.slide+xml"/>'
    b'<Override PartName="/ppt/slides/slide2.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.presentationml.slide+xml"/>'
    b'<Override PartName="/ppt/notesSlides/notesSlide1.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"/></Types>'
)
TABLE = (
    "<p:graphicFrame><a:graphic><a:graphicData><a:tbl>"
    "<a:tr><a:tc><a:txBody>" + paragraph("cellword") + "</a:txBody></a:tc>"
    "<a:tc><a:txBody>" + paragraph("neighbourcell") + "</a:txBody></a:tc></a:tr>"
    "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
)
# slide2.xml is shown first: PowerPoint keeps part names when slides are moved.
PPTX_LINES = [
    "Opening word",
    "line one\nline two",
    "cellword\tneighbourcell",
    "Speaker notes here",
    "Closing thoughts",
]


def pptx_members(*, slide_ids: tuple[str, ...] = ("rId3", "rId2")) -> dict[str, bytes]:
    """Two slides listed out of name order; the first shown has a table and a notes page."""
    slide_list = "".join(
        f'<p:sldId id="{256 + index}" r:id="{rel_id}"/>' for index, rel_id in enumerate(slide_ids)
    )
    return {
        "[Content_Types].xml": PPTX_CONTENT_TYPES,
        "_rels/.rels": relationships(("rId1", "officeDocument", "ppt/presentation.xml")),
        "ppt/presentation.xml": xml_part(
            "p:presentation",
            '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            f"<p:sldIdLst>{slide_list}</p:sldIdLst>",
        ),
        "ppt/_rels/presentation.xml.rels": relationships(
            ("rId1", "slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", "slide", "slides/slide1.xml"),
            ("rId3", "slide", "/ppt/slides/slide2.xml"),
        ),
        "ppt/slides/slide1.xml": xml_part(
            "p:sld", shapes(text_shape(paragraph("Closing thoughts")))
        ),
        "ppt/slides/slide2.xml": xml_part(
            "p:sld",
            shapes(
                text_shape(
                    paragraph("Opening ", "word"),
                    "<a:p><a:r><a:t>line one</a:t></a:r><a:br/><a:r><a:t>line two</a:t></a:r></a:p>",
                ),
                TABLE,
                text_shape(slide_number_field(SLIDE_NUMBER_PLACEHOLDER)),
            ),
        ),
        "ppt/slides/_rels/slide2.xml.rels": relationships(
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", "notesSlide", "../notesSlides/notesSlide1.xml"),
        ),
        "ppt/notesSlides/notesSlide1.xml": xml_part(
            "p:notes",
            shapes(
                text_shape(paragraph("Speaker notes here")), text_shape(slide_number_field("1"))
            ),
        ),
        "ppt/notesSlides/_rels/notesSlide1.xml.rels": relationships(
            ("rId1", "slide", "../slides/slide2.xml")
        ),
    }


def write_zip(path: Path, members: dict[str, bytes]) -> str:
    return write(path, zip_bytes(members))


# ---------------------------------------------------------------- .pptx


def test_pptx_reads_slides_in_presentation_order_with_their_notes(tmp_path: Path) -> None:
    """Slides come in p:sldIdLst order, not part-name order; each slide's notes follow it."""
    path = write_zip(tmp_path / "deck.pptx", pptx_members())
    assert detect_type(path, "deck.pptx") == types.PPTX
    assert extract_text(path, types.PPTX).splitlines() == "\n".join(PPTX_LINES).splitlines()


def test_pptx_skips_generated_fields_and_reads_a_repeated_slide_once(tmp_path: Path) -> None:
    """Slide-number fields are not text; a slide listed many times is read once."""
    path = write_zip(tmp_path / "deck.pptx", pptx_members(slide_ids=("rId2",) * 1000))
    assert extract_text(path, types.PPTX) == "Closing thoughts"
    assert SLIDE_NUMBER_PLACEHOLDER not in extract_text(
        write_zip(tmp_path / "b.pptx", pptx_members()), types.PPTX
    )


def test_pptm_is_read_without_running_its_macros(tmp_path: Path) -> None:
    """A presentation with a VBA project is typed as .pptm and its text read like a .pptx."""
    members = pptx_members()
    members["ppt/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path = write_zip(tmp_path / "macros.pptm", members)
    assert detect_type(path, "macros.pptm") == types.PPTM
    assert "Speaker notes here" in extract_text(path, types.PPTM)


@pytest.mark.parametrize(
    "part",
    [
        "ppt/presentation.xml",
        "ppt/_rels/presentation.xml.rels",
        "ppt/slides/slide1.xml",
        "ppt/notesSlides/notesSlide1.xml",
    ],
)
def test_pptx_with_a_dtd_in_any_part_it_reads_is_refused(tmp_path: Path, part: str) -> None:
    """A DOCTYPE (here an XXE on /etc/passwd) is refused wherever it sits; nothing leaks."""
    members = pptx_members()
    original = members[part].decode()
    declaration_end = original.index("?>") + 2
    members[part] = (original[:declaration_end] + DTD + original[declaration_end:]).encode()
    with pytest.raises(
        ExtractionError, match=r"^XML with a DTD/entities is not accepted"
    ) as raised:
        extract_text(write_zip(tmp_path / "xxe.pptx", members), types.PPTX)
    assert "root:" not in str(raised.value)


def test_broken_pptx_raises_extraction_error(tmp_path: Path) -> None:
    """Not a zip, no presentation part, malformed XML, damaged data, a bomb: ExtractionError."""
    with pytest.raises(ExtractionError, match=r"^not a valid \.pptx: not a zip archive$"):
        extract_text(write(tmp_path / "a.pptx", b"just some text"), types.PPTX)
    no_presentation = write_zip(tmp_path / "b.pptx", {"[Content_Types].xml": PPTX_CONTENT_TYPES})
    with pytest.raises(ExtractionError, match=r"^not a valid \.pptx: no presentation part"):
        extract_text(no_presentation, types.PPTX)
    members = pptx_members()
    members["ppt/slides/slide1.xml"] = b"<p:sld><a:p>unclosed"
    with pytest.raises(
        ExtractionError, match=r"^not a valid \.pptx: malformed XML in ppt/slides/slide1\.xml"
    ):
        extract_text(write_zip(tmp_path / "c.pptx", members), types.PPTX)
    good = zip_bytes(pptx_members())
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("ppt/slides/slide2.xml")
    start = info.header_offset + 30 + len(info.filename.encode())
    damaged = bytearray(good)
    for position in range(start + 5, start + 40):
        damaged[position] ^= 0xFF
    with pytest.raises(ExtractionError, match=r"^not a valid \.pptx"):
        extract_text(write(tmp_path / "d.pptx", bytes(damaged)), types.PPTX)
    data, crc = zeros_deflated(64)
    bomb = write_raw_zip(
        tmp_path / "e.pptx", [RawMember("ppt/presentation.xml", data, 64 * 1024 * 1024, crc)]
    )
    with pytest.raises(ExtractionError, match=r"^zip bomb: "):
        extract_text(str(bomb), types.PPTX)


def test_pptx_text_budget_truncates_and_stops_reading(tmp_path: Path) -> None:
    """The budget keeps the first slides' text and reads no further."""
    path = write_zip(tmp_path / "deck.pptx", pptx_members())
    text = extract_text(path, types.PPTX, ExtractionLimits(max_text_chars=20))
    assert text == "Opening word\nline on"
    assert "Closing" not in extract_text(path, types.PPTX, ExtractionLimits(max_text_chars=60))


# ---------------------------------------------------------------- .rtf


def escaped(text: str, codec: str) -> bytes:
    """`text` in an RTF code page: ASCII as is, every other byte as a \\'hh escape."""
    return b"".join(
        bytes([byte]) if byte < 0x80 else b"\\'%02x" % byte for byte in text.encode(codec)
    )


def unicode_escaped(text: str) -> bytes:
    """`text` as \\uN? escapes (signed 16-bit units, a '?' fallback each), as Word writes it."""
    units = text.encode("utf-16-le")
    values = [
        int.from_bytes(units[i : i + 2], "little", signed=True) for i in range(0, len(units), 2)
    ]
    return b"".join(b"\\u%d?" % value for value in values)


# Lines as a writer puts them in the file; the line ends are not text.
RUSSIAN_RTF = b"\r\n".join(
    [
        rb"{\rtf1\ansi\ansicpg1251\deff0\nouicompat",
        rb"{\fonttbl{\f0\froman\fcharset204 Fontnameword;}"
        rb"{\f1\fswiss\fcharset0{\*\panose 020b0604}Arial;}}",
        rb"{\colortbl ;\red255\green0\blue0;}{\stylesheet{\s0\snext0 Stylenameword;}}",
        rb"{\info{\title Infotitleword}{\author Authorword}}",
        rb"{\*\generator Generatorword 10.0;}\viewkind4\uc1",
        rb"\pard\f0\fs24 " + escaped("Договор поставки № 15", "cp1251") + rb"\par",
        rb"\b " + unicode_escaped("Привет, мир") + rb"\b0  " + unicode_escaped("😀") + rb"\par",
        rb"{\pict\pngblip\picw10\pich10 89504e470d0a1a0a}",
        rb"{\field{\*\fldinst{HYPERLINK \"https://example.org/secret\"}}{\fldrslt{link text}}}\par",
        rb"\trowd\cellx1000\cellx2000 cellword\cell neighbourcell\cell\row",
        rb"left\tab right \{braces\} back\\slash\par",
        rb"}" + b"\x00" * 8,
    ]
)


def test_rtf_decodes_code_page_and_unicode_escapes_and_skips_tables(tmp_path: Path) -> None:
    """\\'hh in cp1251, \\uN with fallbacks, escapes; fonts, styles, info, pictures stay out."""
    path = write(tmp_path / "a.rtf", RUSSIAN_RTF)
    assert detect_type(path, "a.rtf") == RTF
    assert extract_text(path, RTF).splitlines() == [
        "Договор поставки № 15",
        "Привет, мир 😀",
        "link text",
        "cellword\tneighbourcell",
        "left\tright {braces} back\\slash",
    ]


def test_rtf_code_page_follows_the_document_then_the_font(tmp_path: Path) -> None:
    """No \\ansicpg means cp1252; a Cyrillic font (\\fcharset204) decodes its bytes as cp1251."""
    western = rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 " + escaped("Café déjà vu", "cp1252") + b"}"
    assert extract_text(write(tmp_path / "a.rtf", western), RTF) == "Café déjà vu"
    wordpad = (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fnil\fcharset0 Calibri;}"
        rb"{\f1\fnil\fcharset204 Calibri;}}\f1 "
        + escaped("Привет", "cp1251")
        + rb"\f0  "
        + escaped("Noël", "cp1252")
        + rb"\uc0\u1044 \par}"
    )
    assert extract_text(write(tmp_path / "b.rtf", wordpad), RTF) == "Привет NoëlД"


def test_rtf_binary_data_is_skipped_whatever_it_contains(tmp_path: Path) -> None:
    """\\binN data is skipped by length, even when it holds braces and backslashes."""
    data = rb"{\rtf1 before{\pict\bin6 }}{\\\ }after\par}"
    assert extract_text(write(tmp_path / "a.rtf", data), RTF) == "beforeafter"


def test_rtf_deep_nesting_and_big_input_stay_bounded(tmp_path: Path) -> None:
    """Deeply nested groups cost no stack memory; bytes past the RTF cap are not read."""
    levels = 100_000  # a stack entry per level would take about 7 MB
    nested = b"{\\rtf1 " + b"{" * levels + b"deep" + b"}" * levels + b" after}"
    path = write(tmp_path / "deep.rtf", nested)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        text = extract_text(path, RTF)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text.endswith("after")
    assert peak < 2 * 1024 * 1024
    assert time.perf_counter() - started < 10

    picture = b"{\\pict " + b"0f" * 1_000_000 + b"}"
    big = write(tmp_path / "big.rtf", b"{\\rtf1 first\\par" + picture + b"second\\par}")
    assert extract_text(big, RTF) == "first\nsecond"
    assert extract_text(big, RTF, ExtractionLimits(max_rtf_bytes=1_000_000)) == "first"


def test_rtf_text_budget_truncates(tmp_path: Path) -> None:
    path = write(tmp_path / "a.rtf", RUSSIAN_RTF)
    assert extract_text(path, RTF, ExtractionLimits(max_text_chars=7)) == "Договор"
    endless = write(tmp_path / "b.rtf", b"{\\rtf1 " + b"word " * 200_000 + b"}")
    assert extract_text(endless, RTF, ExtractionLimits(max_text_chars=12)) == "word word wo"


def test_broken_rtf_raises_extraction_error_or_keeps_what_it_read(tmp_path: Path) -> None:
    """Bytes that are no RTF are refused; a truncated RTF gives the text before the cut."""
    for data in (b"", b"plain text", b"\x00\x01\x02{\\rtf1 hidden}"):
        with pytest.raises(ExtractionError, match=r"^not a valid \.rtf: "):
            extract_text(write(tmp_path / "a.rtf", data), RTF)
    truncated = write(tmp_path / "b.rtf", RUSSIAN_RTF[: RUSSIAN_RTF.index(b"\\b ")] + b"\\u10")
    assert extract_text(truncated, RTF) == "Договор поставки № 15"


# ---------------------------------------------------------------- .xls


def xls_bytes() -> bytes:
    """A BIFF8 workbook written by xlwt: two sheets, text, numbers, a date, a boolean."""
    book = xlwt.Workbook()
    budget = book.add_sheet("Budget")
    budget.write(0, 0, "xlsword")
    budget.write(0, 1, 42)
    budget.write(0, 2, 2.5)
    budget.write(1, 1, "Привет")
    budget.write(2, 0, datetime.datetime(2024, 3, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    budget.write(2, 1, True)
    contacts = book.add_sheet("Contacts")
    contacts.write(6, 2, "sheettwoword")
    contacts.write(60_000, 255, "farcorner")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xls_extracts_cell_values_sheet_by_sheet(tmp_path: Path) -> None:
    """Like .xlsx: each sheet's title, then one tab-joined line per row, numbers as written."""
    path = write(tmp_path / "old.xls", xls_bytes())
    assert detect_type(path, "old.xls") == XLS
    assert extract_text(path, XLS).splitlines() == [
        "Budget",
        "xlsword\t42\t2.5",
        "Привет",
        "2024-03-01T00:00:00\tTrue",
        "Contacts",
        "sheettwoword",
        "farcorner",
    ]


def test_xls_text_budget_stops_before_the_next_sheet(tmp_path: Path) -> None:
    path = write(tmp_path / "old.xls", xls_bytes())
    text = extract_text(path, XLS, ExtractionLimits(max_text_chars=20))
    assert text == "Budget\nxlsword\t42\t2."
    assert "Contacts" not in extract_text(path, XLS, ExtractionLimits(max_text_chars=40))


def test_broken_xls_raises_extraction_error(tmp_path: Path) -> None:
    """Empty, garbage, truncated, an .xlsx in disguise, or over the size cap: ExtractionError."""
    good = xls_bytes()
    ole_garbage = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 1000
    xlsx = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    for data in (b"", b"garbage" * 100, ole_garbage, good[:1000], good[: len(good) // 2]):
        with pytest.raises(ExtractionError, match=r"^not a valid \.xls: "):
            extract_text(write(tmp_path / "bad.xls", data), XLS)
    with pytest.raises(ExtractionError, match=r"^not a valid \.xls: "):
        extract_text(write(tmp_path / "zip.xls", xlsx), XLS)
    with pytest.raises(
        ExtractionError, match=r"^\.xls file of \d+ bytes is over the limit of 1000$"
    ):
        extract_text(write(tmp_path / "big.xls", good), XLS, ExtractionLimits(max_xls_bytes=1000))


# ---------------------------------------------------------------- any bytes, any of these types


@functools.cache
def sample_documents() -> dict[str, bytes]:
    return {types.PPTX: zip_bytes(pptx_members()), RTF: RUSSIAN_RTF, XLS: xls_bytes()}


FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FLIPS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8)
CUTS = st.one_of(st.none(), st.floats(0, 1))


def damage(data: bytes, flips: list[tuple[float, int]], cut: float | None) -> bytes:
    damaged = bytearray(data)
    for where, value in flips:
        if damaged:
            damaged[int(where * len(damaged))] = value
    if cut is not None:
        damaged = damaged[: int(cut * len(damaged))]
    return bytes(damaged)


@FUZZ
@given(mime_type=st.sampled_from(sorted(sample_documents())), flips=FLIPS, cut=CUTS)
def test_damaged_files_give_text_or_extraction_error(
    tmp_path: Path, mime_type: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    """Valid files with bytes overwritten and/or cut keep the contract: str or ExtractionError."""
    check_contract(tmp_path / "fuzz", damage(sample_documents()[mime_type], flips, cut), mime_type)


@FUZZ
@given(
    part=st.sampled_from(["ppt/presentation.xml", "ppt/slides/slide2.xml"]), flips=FLIPS, cut=CUTS
)
def test_damaged_xml_inside_a_sound_pptx_gives_text_or_extraction_error(
    tmp_path: Path, part: str, flips: list[tuple[float, int]], cut: float | None
) -> None:
    members = pptx_members()
    members[part] = damage(members[part], flips, cut)
    check_contract(tmp_path / "fuzz", zip_bytes(members), types.PPTX)


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_rtf_bodies_give_text_or_extraction_error(tmp_path: Path, data: bytes) -> None:
    check_contract(tmp_path / "fuzz", b"{\\rtf1 " + data, RTF)


# ---------------------------------------------------------------- through the API


@pytest.fixture
def own_search_index(settings: Any, tmp_path: Path) -> None:
    """An empty embedded index for this test (with Elasticsearch, the configured one is used)."""
    settings.SEARCH_RETRY_IN_PROCESS = False
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"


@pytest.mark.usefixtures("own_search_index")
def test_word_inside_an_uploaded_pptx_is_found(alice: APIClient) -> None:
    """A word from a slide's notes is searchable after an upload through the API."""
    members = pptx_members()
    members["ppt/notesSlides/notesSlide1.xml"] = xml_part(
        "p:notes", shapes(text_shape(paragraph("Remember the narwhal budget")))
    )
    response = upload(alice, zip_bytes(members), "deck.pptx")
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]

    def found_ids() -> set[int]:
        response = alice.get("/api/v1/search/", {"q": "narwhal"})
        assert response.status_code == 200, response.content
        return {hit["document"]["id"] for hit in response.json()["results"]}

    assert document_id in wait_for(found_ids, timeout=20)
