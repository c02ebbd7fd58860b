"""Word .docx: text of the body (paragraphs and tables), headers, footers and notes.

The WordprocessingML parts are parsed here rather than through python-docx: a
streaming parse keeps memory flat, refuses DTDs (python-docx's lxml parser would
accept them), and reaches text python-docx skips (content controls, text boxes).
"""

from typing import BinaryIO

from ._limits import ExtractionLimits
from ._opc import MARKUP_COMPATIBILITY_NAMESPACE, main_part, relationship_ids, relationships_of
from ._paragraphs import ParagraphText
from ._text import TextBudget, TextLimitReached, TextSection, join_sections
from ._xml import parse_stream, prefixed_names
from ._zipguard import GuardedArchive, open_archive

LABEL = ".docx"
_key = prefixed_names(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
        "http://purl.oclc.org/ooxml/wordprocessingml/main": "w",  # ISO "strict" variant
        MARKUP_COMPATIBILITY_NAMESPACE: "mc",
    }
)
# mc:Fallback repeats an mc:Choice (text boxes are stored twice: DrawingML and VML);
# w:moveFrom is the old position of moved text, whose new position is also present.
_SKIPPED = frozenset({"mc:Fallback", "w:moveFrom"})
# Run-level characters; a w:tab inside w:pPr/w:tabs is a tab stop, not a character.
_RUN_CHARACTERS = {"w:tab": "\t", "w:br": "\n", "w:cr": "\n", "w:noBreakHyphen": "-"}
_MAIN_PART_FALLBACK = "word/document.xml"
_NOTE_TYPES = ("/footnotes", "/endnotes", "/comments")


class _WordText(ParagraphText):
    """A WordprocessingML part as lines; also collects the header and footer references."""

    def __init__(self, section: TextSection) -> None:
        super().__init__(section, prefix="w", key=_key, skipped=_SKIPPED)
        self.header_ids: list[str] = []
        self.footer_ids: list[str] = []

    def other_start(self, key: str, parent: str, attrib: dict[str, str]) -> None:
        if key in _RUN_CHARACTERS and parent == "w:r":
            self.add_to_paragraph(_RUN_CHARACTERS[key])
        elif key in ("w:headerReference", "w:footerReference"):
            ids = self.header_ids if key == "w:headerReference" else self.footer_ids
            ids.extend(value for value in relationship_ids(attrib) if value not in ids)


def _parse_part(archive: GuardedArchive, member: str, section: TextSection) -> _WordText:
    target = _WordText(section)
    parse_stream(archive.iter_member(member), target, part=member, label=LABEL)
    return target


def extract_docx(file: BinaryIO, limits: ExtractionLimits) -> str:
    archive = open_archive(file, limits, label=LABEL)
    main = main_part(archive, fallback=_MAIN_PART_FALLBACK, label=LABEL, what="main document part")
    relationships = relationships_of(archive, main, label=LABEL)
    members_by_id = {rel.id: rel.member for rel in relationships if rel.member is not None}
    budget = TextBudget(limits.max_text_chars)
    headers, body, notes, footers = (TextSection(budget) for _ in range(4))
    try:
        # The body first, so a body that fills the budget is kept rather than crowded
        # out by headers; the output order is still headers, body, notes, footers.
        references = _parse_part(archive, main, body)
        header_parts = [members_by_id[i] for i in references.header_ids if i in members_by_id]
        footer_parts = [members_by_id[i] for i in references.footer_ids if i in members_by_id]
        note_parts = [
            rel.member
            for note_type in _NOTE_TYPES
            for rel in relationships
            if rel.type.endswith(note_type) and rel.member is not None
        ]
        for parts, section in (
            (header_parts, headers),
            (note_parts, notes),
            (footer_parts, footers),
        ):
            # dict.fromkeys: a part shared by several sections is read once, in order.
            for part in dict.fromkeys(parts):
                _parse_part(archive, part, section)
    except TextLimitReached:
        pass
    return join_sections([headers, body, notes, footers], limits.max_text_chars)
