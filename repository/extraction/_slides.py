"""PowerPoint .pptx (and .pptm): text of every slide in presentation order, then its notes.

Parsed directly rather than through python-pptx, for the reasons given in _docx: the
streaming parser keeps memory flat and refuses DTDs. The slide order is the order of
p:sldIdLst in presentation.xml, not the order of the part names (slide10.xml sorts
before slide2.xml, and moved slides keep their old names). Macros are never run: the
VBA project is a binary part that is not even read.
"""

from typing import BinaryIO

from ._limits import ExtractionLimits
from ._opc import (
    MARKUP_COMPATIBILITY_NAMESPACE,
    Relationship,
    main_part,
    relationship_ids,
    relationships_of,
)
from ._paragraphs import ParagraphText
from ._text import TextBudget, TextLimitReached, TextSection, join_sections
from ._xml import NameMemo, parse_starts, parse_stream, prefixed_names
from ._zipguard import GuardedArchive, open_archive

LABEL = ".pptx"
_key = prefixed_names(
    {
        "http://schemas.openxmlformats.org/presentationml/2006/main": "p",
        "http://purl.oclc.org/ooxml/presentationml/main": "p",  # ISO "strict" variant
        "http://schemas.openxmlformats.org/drawingml/2006/main": "a",
        "http://purl.oclc.org/ooxml/drawingml/main": "a",
        MARKUP_COMPATIBILITY_NAMESPACE: "mc",
    }
)
# A field PowerPoint fills in itself (slide number, today's date) holds a stale copy
# of its value, or a placeholder shown as "<#>": not text anyone wrote.
_GENERATED_FIELD = "a:fld#generated"
# mc:Fallback repeats an mc:Choice in an older form.
_SKIPPED = frozenset({"mc:Fallback", _GENERATED_FIELD})
_MAIN_PART_FALLBACK = "ppt/presentation.xml"


def _is_generated_field(attrib: dict[str, str]) -> bool:
    field_type = attrib.get("type", "")
    return field_type == "slidenum" or field_type.startswith("datetime")


class _SlideText(ParagraphText):
    """A slide or notes part as lines; fields PowerPoint fills in itself are left out."""

    def __init__(self, section: TextSection) -> None:
        super().__init__(section, prefix="a", key=_key, skipped=_SKIPPED)

    def key_of(self, tag: str, attrib: dict[str, str]) -> str:
        key = super().key_of(tag, attrib)
        return _GENERATED_FIELD if key == "a:fld" and _is_generated_field(attrib) else key

    def other_start(self, key: str, parent: str, attrib: dict[str, str]) -> None:
        if key == "a:br":
            self.add_to_paragraph("\n")


class _SlideList:
    """Start-tag reader collecting the relationship ids of p:sldIdLst, in presentation order."""

    def __init__(self) -> None:
        self._keys = NameMemo(_key)
        self.ids: dict[str, None] = {}  # a dict as an ordered set: a repeated id counts once

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self._keys[tag] != "p:sldId":
            return
        self.ids.update(dict.fromkeys(relationship_ids(attrib)))


def _slide_parts(archive: GuardedArchive, presentation: str) -> list[str]:
    slide_list = _SlideList()
    parse_starts(
        archive.iter_member(presentation), slide_list.start, part=presentation, label=LABEL
    )
    slides_by_id = {
        rel.id: rel.member
        for rel in relationships_of(archive, presentation, label=LABEL)
        if rel.type.endswith("/slide") and rel.member is not None
    }
    members = (slides_by_id.get(slide_id) for slide_id in slide_list.ids)
    # dict.fromkeys: two ids pointing at one part must not make us read it twice.
    return list(dict.fromkeys(member for member in members if member is not None))


def _notes_parts(relationships: list[Relationship]) -> list[str]:
    return [
        rel.member
        for rel in relationships
        if rel.type.endswith("/notesSlide") and rel.member is not None
    ]


def _parse_part(archive: GuardedArchive, member: str, section: TextSection) -> None:
    parse_stream(archive.iter_member(member), _SlideText(section), part=member, label=LABEL)


def extract_pptx(file: BinaryIO, limits: ExtractionLimits) -> str:
    archive = open_archive(file, limits, label=LABEL)
    presentation = main_part(
        archive, fallback=_MAIN_PART_FALLBACK, label=LABEL, what="presentation part"
    )
    budget = TextBudget(limits.max_text_chars)
    sections: list[TextSection] = []
    notes_read: set[str] = set()
    try:
        for slide in _slide_parts(archive, presentation):
            section = TextSection(budget)
            sections.append(section)
            _parse_part(archive, slide, section)
            for notes in _notes_parts(relationships_of(archive, slide, label=LABEL)):
                # A hostile file may give every slide the same large notes part.
                if notes not in notes_read:
                    notes_read.add(notes)
                    _parse_part(archive, notes, section)
    except TextLimitReached:
        pass
    return join_sections(sections, limits.max_text_chars)
