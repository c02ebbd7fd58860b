"""The spell report of a filled template: its text read back from the .docx as an upload's
would be, and checked per paragraph (`templating.proofing.checks.check_generated`)."""

import tempfile
from typing import Any

from repository.extraction import ExtractionError, extract_text
from templating.models import RenderFormat
from templating.proofing.checks import SpellingReport, check_generated
from templating.services.rendering import MIME_TYPES


def spelling_of(actor: Any, docx: bytes) -> SpellingReport:
    """What the spell-checker finds in the filled document (the .docx, before any PDF)."""
    with tempfile.NamedTemporaryFile(suffix=".docx") as handle:
        handle.write(docx)
        handle.flush()
        try:
            text = extract_text(handle.name, MIME_TYPES[RenderFormat.DOCX])
        except ExtractionError:
            text = ""  # a template's output Kontor cannot read back has nothing to report
    return check_generated(actor=actor, text=text)
