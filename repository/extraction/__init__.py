"""File type detection and safe text extraction for uploaded documents.

Pure Python, no Django. Everything here treats the file as hostile: executables are
refused by content, zip-based formats are checked for bombs before anything parses
them, XML with a DTD is refused, and bad input surfaces only as ExtractionError.
"""

from ._dispatch import can_extract, extract_text
from ._errors import ExtractionError, ForbiddenFileType, UninspectableArchive
from ._limits import ExtractionLimits
from .filetypes import detect_type

__all__ = [
    "ExtractionError",
    "ExtractionLimits",
    "ForbiddenFileType",
    "UninspectableArchive",
    "can_extract",
    "detect_type",
    "extract_text",
]
