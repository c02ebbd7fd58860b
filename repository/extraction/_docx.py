"""Word .docx: text of the body (paragraphs and tables), headers, footers and notes.

The WordprocessingML parts are parsed here rather than through python-docx: a
streaming parse keeps memory flat, refuses DTDs (python-docx's lxml parser would
accept them), and reaches text python-docx skips (content controls, text boxes).
"""

from typing import BinaryIO

from ._errors import ExtractionError
from ._limits import ExtractionLimits
from ._opc import relationships_of
from ._text import TextBudget, TextLimitReached, TextSection, join_sections
from ._xml import NameMemo, local_name, parse_stream
from ._zipguard import GuardedArchive, open_archive

LABEL = ".docx"
_WORD_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO "strict" variant
    }
)
_RELATIONSHIP_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)
_MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# mc:Fallback repeats an mc:Choice (text boxes are stored twice: DrawingML and VML);
# w:moveFrom is the old position of moved text, whose new position is also present.
_SKIPPED = frozenset({"mc:Fallback", "w:moveFrom"})
# Run-level characters; a w:tab inside w:pPr/w:tabs is a tab stop, not a character.
_RUN_CHARACTERS = {"w:tab": "\t", "w:br": "\n", "w:cr": "\n", "w:noBreakHyphen": "-"}
_MAIN_PART_FALLBACK = "word/document.xml"
_NOTE_TYPES = ("/footnotes", "/endnotes", "/comments")


def _key(tag: str) -> str:
    namespace, name = local_name(tag)
    if namespace in _WORD_NAMESPACES:
        return f"w:{name}"
    if namespace == _MARKUP_COMPATIBILITY:
        return f"mc:{name}"
    return ""


class _WordText:
    """Parser target turning a WordprocessingML part into lines; table rows become tab-joined."""

    def __init__(self, section: TextSection) -> None:
        self._section = section
        self._keys = NameMemo(_key)
        self._open: list[str] = []  # keys of the open elements
        self._paragraphs: list[list[str]] = []  # text pieces of open (possibly nested) paragraphs
        self._containers: list[list[str]] = []  # open table rows (cell texts) and cells (lines)
        self._skip_depth = 0
        self._text_depth = 0
        self.header_ids: list[str] = []
        self.footer_ids: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        key = self._keys[tag]
        open_keys = self._open
        parent = open_keys[-1] if open_keys else ""
        open_keys.append(key)
        if key in _SKIPPED:
            self._skip_depth += 1
        if self._skip_depth:
            return
        if key == "w:p":
            self._paragraphs.append([])
        elif key == "w:t":
            self._text_depth += 1
        elif key in ("w:tr", "w:tc"):
            self._containers.append([])
        elif key in _RUN_CHARACTERS and parent == "w:r" and self._paragraphs:
            self._paragraphs[-1].append(_RUN_CHARACTERS[key])
        elif key in ("w:headerReference", "w:footerReference"):
            self._note_reference(key, attrib)

    def end(self, tag: str) -> None:
        key = self._open.pop() if self._open else ""
        if key in _SKIPPED:
            self._skip_depth -= 1
            return
        if self._skip_depth:
            return
        if key == "w:t":
            self._text_depth -= 1
        elif key == "w:p" and self._paragraphs:
            self._emit("".join(self._paragraphs.pop()))
        elif key == "w:tc" and self._containers:
            cell = " ".join(line for line in self._containers.pop() if line.strip())
            self._emit(cell)
        elif key == "w:tr" and self._containers:
            self._emit("\t".join(cell for cell in self._containers.pop() if cell.strip()))

    def data(self, data: str) -> None:
        if self._text_depth and not self._skip_depth and self._paragraphs:
            self._paragraphs[-1].append(data)

    def close(self) -> None:
        return None

    def _emit(self, text: str) -> None:
        if self._containers:
            self._containers[-1].append(text)
        else:
            self._section.add(text)

    def _note_reference(self, key: str, attrib: dict[str, str]) -> None:
        for name, value in attrib.items():
            namespace, local = local_name(name)
            if local == "id" and namespace in _RELATIONSHIP_NAMESPACES:
                ids = self.header_ids if key == "w:headerReference" else self.footer_ids
                if value not in ids:
                    ids.append(value)


def _parse_part(archive: GuardedArchive, member: str, section: TextSection) -> _WordText:
    target = _WordText(section)
    parse_stream(archive.iter_member(member), target, part=member, label=LABEL)
    return target


def _main_part(archive: GuardedArchive) -> str:
    for relationship in relationships_of(archive, "", label=LABEL):
        if relationship.type.endswith("/officeDocument") and relationship.member is not None:
            return relationship.member
    fallback = archive.find(_MAIN_PART_FALLBACK)
    if fallback is None:
        raise ExtractionError(f"not a valid {LABEL}: no main document part ({_MAIN_PART_FALLBACK})")
    return fallback


def extract_docx(file: BinaryIO, limits: ExtractionLimits) -> str:
    archive = open_archive(file, limits, label=LABEL)
    main = _main_part(archive)
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
