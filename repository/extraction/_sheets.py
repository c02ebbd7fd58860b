"""Excel: cell values sheet by sheet, one tab-joined line per row.

.xlsx goes through openpyxl's read-only mode. openpyxl may parse with lxml, so the
archive is fully verified first: every member inflated on the byte budget and every
XML part checked for a DTD.

Legacy .xls (BIFF in an OLE2 compound file) goes through xlrd, which reads no XML and
runs no macros. xlrd holds the workbook stream and one whole sheet in memory, so the
file size is capped, sheets are loaded one at a time and none is loaded once the
budget is spent.
"""

import contextlib
import mmap
import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any, BinaryIO

import openpyxl
import xlrd

from ._errors import ExtractionError
from ._limits import ExtractionLimits
from ._text import TextBudget, TextLimitReached, TextSection, join_sections
from ._zipguard import open_archive

LABEL = ".xlsx"
XLS_LABEL = ".xls"
# openpyxl pads every row to its last used column, so a sheet with one cell in
# column XFD on each of a million rows costs 16 billion padding slots while holding
# no text. Past this many slots we stop reading and keep what we have.
_MAX_CELL_SLOTS = 20_000_000
_EMPTY_XLS_CELLS = frozenset({xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# A sheet's title and its rows, each as (cell slots it took, padding included; cell texts).
Sheet = tuple[str, Iterator[tuple[int, Iterable[str]]]]


def _workbook_text(sheets: Iterable[Sheet], limits: ExtractionLimits) -> str:
    """Each sheet's title, then one line per row: its non-empty cells joined with tabs."""
    budget = TextBudget(limits.max_text_chars)
    sections: list[TextSection] = []
    slots = 0
    try:
        for title, rows in sheets:
            section = TextSection(budget)
            sections.append(section)
            section.add(title)
            for width, texts in rows:
                slots += width
                if slots > _MAX_CELL_SLOTS:
                    raise TextLimitReached
                section.add("\t".join(text for text in texts if text))
    except TextLimitReached:
        pass
    return join_sections(sections, limits.max_text_chars)


def extract_xlsx(file: BinaryIO, limits: ExtractionLimits) -> str:
    archive = open_archive(file, limits, label=LABEL)
    archive.verify_members(check_xml_prologs=True)
    file.seek(0)
    workbook = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    try:
        return _workbook_text(_xlsx_sheets(workbook), limits)
    finally:
        workbook.close()


def _xlsx_sheets(workbook: Any) -> Iterator[Sheet]:
    for sheet in workbook.worksheets:
        # Without this, rows are also padded to the <dimension> the file declares.
        sheet.reset_dimensions()
        yield str(sheet.title), _xlsx_rows(sheet)


def _xlsx_rows(sheet: Any) -> Iterator[tuple[int, Iterable[str]]]:
    for row in sheet.iter_rows(values_only=True):
        # Padding can be nearly all of a wide row; dropping it first is ~10x faster.
        yield len(row), map(_cell_text, [value for value in row if value is not None])


class _DiscardedLog:
    """xlrd writes its warnings to a log file (stdout unless told otherwise); nobody reads them."""

    def write(self, text: str) -> int:
        return len(text)


@contextlib.contextmanager
def _contents(file: BinaryIO) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes for xlrd: mapped rather than read when it is a real file."""
    try:
        descriptor = file.fileno()
    except OSError:  # an in-memory file
        yield file.read()
        return
    with mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def _xls_cell_text(cell_type: int, value: object, datemode: int) -> str:
    if cell_type == xlrd.XL_CELL_DATE:
        # A serial number no calendar has stays a number.
        with contextlib.suppress(xlrd.xldate.XLDateError, ValueError, OverflowError):
            value = xlrd.xldate.xldate_as_datetime(value, datemode)
    elif cell_type == xlrd.XL_CELL_BOOLEAN:
        value = bool(value)
    elif cell_type == xlrd.XL_CELL_ERROR:
        value = xlrd.error_text_from_code.get(value, "")
    return _cell_text(value)


def _xls_sheets(book: Any) -> Iterator[Sheet]:
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        yield str(sheet.name), _xls_rows(sheet, book.datemode)
        # Reached only once the sheet is read: one sheet in memory at a time.
        book.unload_sheet(index)


def _xls_rows(sheet: Any, datemode: int) -> Iterator[tuple[int, Iterable[str]]]:
    for row in range(sheet.nrows):
        values = sheet.row_values(row)
        cells = zip(sheet.row_types(row), values, strict=True)
        texts = (
            _xls_cell_text(kind, value, datemode)
            for kind, value in cells
            if kind not in _EMPTY_XLS_CELLS
        )
        yield len(values), texts


def extract_xls(file: BinaryIO, limits: ExtractionLimits) -> str:
    size = file.seek(0, os.SEEK_END)
    if size > limits.max_xls_bytes:
        raise ExtractionError(
            f"{XLS_LABEL} file of {size} bytes is over the limit of {limits.max_xls_bytes}"
        )
    if size == 0:
        raise ExtractionError(f"not a valid {XLS_LABEL}: the file is empty")
    file.seek(0)
    with _contents(file) as contents:
        # ragged_rows: without it every row is padded to the widest row of its sheet.
        book = xlrd.open_workbook(
            file_contents=contents, on_demand=True, ragged_rows=True, logfile=_DiscardedLog()
        )
        try:
            return _workbook_text(_xls_sheets(book), limits)
        finally:
            book.release_resources()
