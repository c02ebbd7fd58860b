"""The small interface every search backend implements."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

from permissions.index_terms import SearchAccess
from repository.filters import DocumentFilters
from search.query import Node
from search.records import IndexRecord

FACET_FIELDS = ("document_type", "status", "tags")
FACET_SIZE = 50


class SearchUnavailable(Exception):
    """The search engine cannot be reached or refused to work; the caller may retry."""


class RecordsRejected(Exception):
    """The engine refused some records for what they hold; the others of the write went in."""

    def __init__(self, reasons: dict[int, str]) -> None:
        super().__init__(f"{len(reasons)} records rejected")
        self.reasons = reasons


@dataclass(frozen=True)
class SearchRequest:
    query: Node | None
    filters: DocumentFilters
    access: SearchAccess | None  # None: no trimming (administrators)
    fuzzy: bool = False
    sort: str = "relevance"  # or "-created_at"
    offset: int = 0
    limit: int = 50
    with_facets: bool = True
    with_highlights: bool = True


@dataclass
class Hit:
    document_id: int
    score: float | None
    highlights: list[str] = field(default_factory=list)


@dataclass
class SearchOutcome:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True)
class IndexedEntry:
    document_id: int
    version: int
    fingerprint: int
    is_live: bool


class SearchBackend(ABC):
    """Reads go to the live index; writes carry an external version and the engine keeps,
    per document, the record with the highest version (older or repeated writes are no-ops).
    """

    name: str

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchOutcome: ...

    @abstractmethod
    def write(self, records: list[IndexRecord], version: int, *, index: str | None = None) -> None:
        """Index (or tombstone) the records at `version`, in the live index or `index`.

        Raises RecordsRejected, after writing the rest, for records the engine refuses by
        content, and SearchUnavailable when the engine does not answer."""

    @abstractmethod
    def entries(self, *, index: str | None = None) -> Iterator[IndexedEntry]:
        """Everything an index holds, in document order (for `search_check`)."""

    @abstractmethod
    def live_index(self) -> str:
        """Name of the physical index reads and writes go to now (created when missing)."""

    @abstractmethod
    def create_index(self) -> str:
        """A new, empty physical index (for a reindex); returns its name."""

    @abstractmethod
    def index_exists(self, index: str) -> bool: ...

    @abstractmethod
    def promote(self, index: str) -> str | None:
        """Atomically point reads and writes at `index`; returns the previous one."""

    @abstractmethod
    def drop_index(self, index: str) -> None: ...

    @abstractmethod
    def refresh(self, index: str | None = None) -> None:
        """Make everything written so far visible to searches."""

    @abstractmethod
    def ping(self) -> bool: ...
