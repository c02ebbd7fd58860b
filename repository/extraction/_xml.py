"""Streaming XML parsing with DTDs and entities refused.

Every XML part we read ourselves goes through expat with a callback target, so no
tree is built (memory stays flat whatever the part's size) and a DOCTYPE is refused
outright: without a DTD there are no entity declarations, hence no XXE and no
billion-laughs expansion.

Expat is driven directly rather than through defusedxml's DefusedXMLParser: that
wraps the pure-Python ElementTree XMLParser, whose per-element Python layers
(`_start`, `_end`, `_fixname`) cost more than the parse itself. The refusals are
the same ones defusedxml installs, and targets get the same calls as from
ElementTree's XMLParser.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol
from xml.parsers import expat

from ._errors import ExtractionError

UNSAFE_XML_MESSAGE = "XML with a DTD/entities is not accepted"
# Memo tables are per parse and stop growing here, so a part with endless distinct
# element names cannot grow memory with its size.
_MAX_MEMO_ENTRIES = 4096


class XmlTarget(Protocol):
    """The callbacks ElementTree's XMLParser calls on its target (tags as '{namespace}local')."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, data: str) -> None: ...

    def close(self) -> None: ...


class NameMemo(dict[str, str]):
    """A bounded memo of `compute(name)`, read with `memo[name]` for a C-speed hit."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, name: str) -> str:
        value = self._compute(name)
        if len(self) < _MAX_MEMO_ENTRIES:
            self[name] = value
        return value


class _UnsafeXml(Exception):
    """A DTD, an entity declaration or an external reference was met."""


def _refuse(*_arguments: object) -> None:
    raise _UnsafeXml


def _refuse_external(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    raise _UnsafeXml


def _expanded(name: str) -> str:
    # Expat reports 'namespace}local' (the separator is '}'); ElementTree's form is
    # '{namespace}local'. A name without a namespace has no separator.
    return "{" + name if "}" in name else name


def _new_parser(
    start: Callable[[str, dict[str, str]], object],
    end: Callable[[str], object] | None = None,
    data: Callable[[str], object] | None = None,
) -> expat.XMLParserType:
    parser = expat.ParserCreate(None, "}")
    # The safety settings: refuse the DOCTYPE itself (it comes before any
    # declaration in it), and any entity declaration or external reference should
    # one ever get past that; never read an external DTD subset.
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    names = NameMemo(_expanded)

    def start_element(name: str, attributes: dict[str, str]) -> None:
        if attributes:
            attributes = {names[key]: value for key, value in attributes.items()}
        start(names[name], attributes)

    parser.StartElementHandler = start_element
    if end is not None:

        def end_element(name: str) -> None:
            end(names[name])

        parser.EndElementHandler = end_element
    if data is not None:
        parser.CharacterDataHandler = data
    # Adjacent character data arrives as one call, as with ElementTree's parser.
    parser.buffer_text = True
    parser.ordered_attributes = False
    return parser


def _malformed(label: str, part: str, error: expat.ExpatError) -> ExtractionError:
    return ExtractionError(f"not a valid {label}: malformed XML in {part}: {error}")


def parse_stream(chunks: Iterable[bytes], target: XmlTarget, *, part: str, label: str) -> None:
    """Feed raw XML bytes to `target`; any unsafe or malformed XML becomes ExtractionError.

    Exceptions raised by the target itself (such as TextLimitReached) pass through.
    """
    _feed(_new_parser(target.start, target.end, target.data), chunks, part=part, label=label)
    target.close()


def parse_starts(
    chunks: Iterable[bytes],
    start: Callable[[str, dict[str, str]], object],
    *,
    part: str,
    label: str,
) -> None:
    """parse_stream for a reader that needs only start tags and their attributes."""
    _feed(_new_parser(start), chunks, part=part, label=label)


def _feed(parser: expat.XMLParserType, chunks: Iterable[bytes], *, part: str, label: str) -> None:
    parse = parser.Parse
    try:
        for chunk in chunks:
            parse(chunk, False)
        parse(b"", True)
    except _UnsafeXml as error:
        raise ExtractionError(f"{UNSAFE_XML_MESSAGE} ({part})") from error
    except expat.ExpatError as error:
        raise _malformed(label, part, error) from error


class _RootReached(Exception):
    """A control-flow signal: the prolog has been read in full."""


def _root_reached(tag: str, attrib: dict[str, str]) -> None:
    raise _RootReached


class PrologChecker:
    """Checks that an XML member declares no DTD, reading only up to its root element.

    A DOCTYPE can only appear before the root element, so stopping there is enough to
    prove a part is safe to hand to a library whose parser (lxml) might otherwise
    expand entities.
    """

    def __init__(self, *, part: str, label: str) -> None:
        self._parser = _new_parser(_root_reached)
        self._part = part
        self._label = label
        self.is_done = False

    def feed(self, chunk: bytes) -> None:
        if not self.is_done:
            self._parse(chunk, is_final=False)

    def finish(self) -> None:
        """The member ended: a part that never reached a root element is malformed."""
        if self.is_done:
            return
        self._parse(b"", is_final=True)
        if not self.is_done:
            raise ExtractionError(f"not a valid {self._label}: no XML root element in {self._part}")

    def _parse(self, chunk: bytes, *, is_final: bool) -> None:
        try:
            self._parser.Parse(chunk, is_final)
        except _RootReached:
            self.is_done = True
        except _UnsafeXml as error:
            raise ExtractionError(f"{UNSAFE_XML_MESSAGE} ({self._part})") from error
        except expat.ExpatError as error:
            raise _malformed(self._label, self._part, error) from error


def local_name(tag: str) -> tuple[str, str]:
    """Split '{namespace}local' into (namespace, local)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def prefixed_names(prefixes: Mapping[str, str]) -> Callable[[str], str]:
    """A `key(tag)` naming '{namespace}local' as 'prefix:local' after `prefixes` (namespace ->
    prefix); tags of other namespaces are named ""."""

    def key(tag: str) -> str:
        namespace, name = local_name(tag)
        prefix = prefixes.get(namespace)
        return f"{prefix}:{name}" if prefix else ""

    return key
