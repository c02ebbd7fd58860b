"""File type detection and safe text extraction for uploaded documents.

Pure Python, no Django. Everything here treats the file as hostile: programs are
refused by content and by name, zip-based formats are checked for bombs before anything parses
them, XML with a DTD is refused, and bad input surfaces only as ExtractionError.
"""

from ._dispatch import can_extract, extract_text
from ._errors import ExtractionError, ForbiddenFileType, UninspectableArchive
from ._limits import ExtractionLimits
from .filetypes import MAX_INSPECTED_BYTES, detect_file_type, detect_type, uninspectable_archive

__all__ = [
    "MAX_INSPECTED_BYTES",
    "ExtractionError",
    "ExtractionLimits",
    "ForbiddenFileType",
    "UninspectableArchive",
    "can_extract",
    "detect_file_type",
    "detect_type",
    "extract_text",
    "uninspectable_archive",
]
