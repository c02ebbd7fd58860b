"""Streaming XML parsing with DTDs and entities refused.

Every XML part we read ourselves goes through defusedxml's parser with a callback
target, so no tree is built (memory stays flat whatever the part's size) and a
DOCTYPE is refused outright: without a DTD there are no entity declarations, hence
no XXE and no billion-laughs expansion.
"""

from collections.abc import Iterable
from typing import Protocol
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ._errors import ExtractionError

UNSAFE_XML_MESSAGE = "XML with a DTD/entities is not accepted"


class XmlTarget(Protocol):
    """The callbacks ElementTree's XMLParser calls on its target (tags as '{namespace}local')."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, data: str) -> None: ...

    def close(self) -> None: ...


def _new_parser(target: object) -> DefusedXMLParser:
    return DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )


def parse_stream(chunks: Iterable[bytes], target: XmlTarget, *, part: str, label: str) -> None:
    """Feed raw XML bytes to `target`; any unsafe or malformed XML becomes ExtractionError.

    Exceptions raised by the target itself (such as TextLimitReached) pass through.
    """
    parser = _new_parser(target)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException as error:
        raise ExtractionError(f"{UNSAFE_XML_MESSAGE} ({part})") from error
    except ParseError as error:
        raise ExtractionError(f"not a valid {label}: malformed XML in {part}: {error}") from error


class _RootReached(Exception):
    """A control-flow signal: the prolog has been read in full."""


class _PrologTarget:
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


class PrologChecker:
    """Checks that an XML member declares no DTD, reading only up to its root element.

    A DOCTYPE can only appear before the root element, so stopping there is enough to
    prove a part is safe to hand to a library whose parser (lxml) might otherwise
    expand entities.
    """

    def __init__(self, *, part: str, label: str) -> None:
        self._parser = _new_parser(_PrologTarget())
        self._part = part
        self._label = label
        self.is_done = False

    def feed(self, chunk: bytes) -> None:
        if self.is_done:
            return
        try:
            self._parser.feed(chunk)
        except _RootReached:
            self.is_done = True
        except DefusedXmlException as error:
            raise ExtractionError(f"{UNSAFE_XML_MESSAGE} ({self._part})") from error
        except ParseError as error:
            raise ExtractionError(
                f"not a valid {self._label}: malformed XML in {self._part}: {error}"
            ) from error

    def finish(self) -> None:
        """The member ended: a part that never reached a root element is malformed."""
        if self.is_done:
            return
        try:
            self._parser.close()
        except _RootReached:
            self.is_done = True
            return
        except DefusedXmlException as error:
            raise ExtractionError(f"{UNSAFE_XML_MESSAGE} ({self._part})") from error
        except ParseError as error:
            raise ExtractionError(
                f"not a valid {self._label}: malformed XML in {self._part}: {error}"
            ) from error
        raise ExtractionError(f"not a valid {self._label}: no XML root element in {self._part}")


def local_name(tag: str) -> tuple[str, str]:
    """Split '{namespace}local' into (namespace, local)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag
