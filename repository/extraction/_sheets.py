"""Excel .xlsx: cell values sheet by sheet, through openpyxl's read-only mode.

openpyxl may parse with lxml, so the archive is fully verified first: every member
inflated on the byte budget and every XML part checked for a DTD.
"""

from datetime import date, datetime, time
from typing import BinaryIO

import openpyxl

from ._errors import ExtractionError
from ._limits import ExtractionLimits
from ._text import TextBudget, TextLimitReached, TextSection, join_sections
from ._zipguard import open_archive

LABEL = ".xlsx"
# openpyxl pads every row to its last used column, so a sheet with one cell in
# column XFD on each of a million rows costs 16 billion padding slots while holding
# no text. Past this many slots we stop reading and keep what we have.
_MAX_CELL_SLOTS = 20_000_000


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def extract_xlsx(file: BinaryIO, limits: ExtractionLimits) -> str:
    archive = open_archive(file, limits, label=LABEL)
    archive.verify_members(check_xml_prologs=True)
    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises KeyError, ValueError, TypeError... on bad input
        raise ExtractionError(f"not a valid {LABEL}: {error}") from error
    budget = TextBudget(limits.max_text_chars)
    sections: list[TextSection] = []
    slots = 0
    try:
        for sheet in workbook.worksheets:
            section = TextSection(budget)
            sections.append(section)
            section.add(str(sheet.title))
            # Without this, rows are also padded to the <dimension> the file declares.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                slots += len(row)
                if slots > _MAX_CELL_SLOTS:
                    raise TextLimitReached
                section.add("\t".join(text for text in map(_cell_text, row) if text))
    except TextLimitReached:
        pass
    except Exception as error:
        raise ExtractionError(f"not a valid {LABEL}: {error}") from error
    finally:
        workbook.close()
    return join_sections(sections, limits.max_text_chars)
