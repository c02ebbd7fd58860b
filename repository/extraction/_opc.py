"""Office Open XML packaging: following relationships from one part to others."""

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from ._errors import ExtractionError
from ._xml import local_name, parse_starts
from ._zipguard import GuardedArchive

_EXTERNAL = "External"
# Namespaces of relationship ids in attributes (r:id), transitional and ISO "strict".
RELATIONSHIP_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)
# Markup compatibility (mc:AlternateContent and its mc:Choice / mc:Fallback), in every part.
MARKUP_COMPATIBILITY_NAMESPACE = "http://schemas.openxmlformats.org/markup-compatibility/2006"


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    member: str | None  # the archive member it points to; None when absent or external


def relationships_of(archive: GuardedArchive, part: str, *, label: str) -> list[Relationship]:
    """Relationships declared by `part` ("" for the package itself), targets resolved."""
    folder, filename = posixpath.split(part)
    rels_name = archive.find(posixpath.join(folder, "_rels", f"{filename}.rels"))
    if rels_name is None:
        return []
    found: list[dict[str, str]] = []

    def collect(tag: str, attrib: dict[str, str]) -> None:
        if local_name(tag)[1] == "Relationship":
            found.append(attrib)

    parse_starts(archive.iter_member(rels_name), collect, part=rels_name, label=label)
    relationships = []
    for attrib in found:
        target = attrib.get("Target", "")
        member = None
        if attrib.get("TargetMode") != _EXTERNAL and target:
            member = archive.find(_resolve(folder, unquote(target)))
        relationships.append(
            Relationship(id=attrib.get("Id", ""), type=attrib.get("Type", ""), member=member)
        )
    return relationships


def main_part(archive: GuardedArchive, *, fallback: str, label: str, what: str) -> str:
    """The package's main part (its officeDocument relationship), else the usual name;
    `what` names the part in the error when there is neither."""
    for relationship in relationships_of(archive, "", label=label):
        if relationship.type.endswith("/officeDocument") and relationship.member is not None:
            return relationship.member
    found = archive.find(fallback)
    if found is None:
        raise ExtractionError(f"not a valid {label}: no {what} ({fallback})")
    return found


def relationship_ids(attrib: dict[str, str]) -> list[str]:
    """Values of the r:id-like attributes of an element."""
    return [
        value
        for name, value in attrib.items()
        if local_name(name)[1] == "id" and local_name(name)[0] in RELATIONSHIP_NAMESPACES
    ]


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
