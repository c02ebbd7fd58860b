"""The embedded backend: a tantivy index in the data directory.

Layout under `SEARCH_INDEX_DIR`: one folder per physical index, a `CURRENT` file naming the
live one (the embedded "alias": replaced atomically by a reindex), and `locks/`. Tantivy
allows one writer per index; writers in any process take a file lock first and stay open only
for one batch, so the web server, the indexer and `manage.py` commands take turns.
"""

import fcntl
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy
from tantivy import FieldType, Filter, Occur, Order, Query, TextAnalyzerBuilder, Tokenizer

from permissions.index_terms import SearchAccess
from search.backends.base import (
    FACET_SIZE,
    Hit,
    IndexedEntry,
    RecordsRejected,
    SearchBackend,
    SearchOutcome,
    SearchRequest,
    SearchUnavailable,
)
from search.highlight import Highlighter
from search.query import And, Node, Not, Or, Phrase, Prefix, Word, fuzziness, leaves
from search.records import LANGUAGES, IndexRecord

STEMMERS = {"en": "english", "ru": "russian", "de": "german", "fr": "french", "es": "spanish"}
BASE_FIELDS = {"title": 3.0, "meta": 2.0, "text": 1.0}
STEM_FIELDS = {f"stem_{language}": language for language in LANGUAGES}
LOCK_TIMEOUT_SECONDS = 60.0
ENGINE_ERRORS = (ValueError, OSError, RuntimeError)


def _analyzer(language: str | None = None) -> Any:
    builder = (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
    )
    if language is not None:
        builder = builder.filter(Filter.stemmer(STEMMERS[language]))
    return builder.build()


ANALYZERS: dict[str, Any] = {"kontor": _analyzer()}
ANALYZERS.update({f"kontor_{language}": _analyzer(language) for language in LANGUAGES})
FIELD_ANALYZER = {"title": "kontor", "meta": "kontor", "text": "kontor"}
FIELD_ANALYZER.update({field: f"kontor_{language}" for field, language in STEM_FIELDS.items()})


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("version", stored=True, fast=True)
    builder.add_integer_field("fingerprint", stored=True, fast=True)
    builder.add_integer_field("live", indexed=True, fast=True)
    for name in BASE_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="kontor")
    for name, language in STEM_FIELDS.items():
        builder.add_text_field(name, stored=False, tokenizer_name=f"kontor_{language}")
    for name in ("document_type", "status", "tags"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    for name in ("owner", "linked", "viewers", "language"):
        builder.add_text_field(name, stored=False, tokenizer_name="raw")
    builder.add_integer_field("folder", indexed=True, fast=True)
    builder.add_integer_field("created", indexed=True, fast=True)
    return builder.build()


SCHEMA = _schema()


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _tokens(analyzer: str, text: str) -> list[str]:
    return list(ANALYZERS[analyzer].analyze(text))


@lru_cache(maxsize=4096)
def stems(word: str) -> frozenset[str]:
    """The word's stems in every supported language (for highlighting stemmed matches).

    Kept per word: five analyzers per query word cost as much as highlighting a hit."""
    found: set[str] = set()
    for language in LANGUAGES:
        found.update(_tokens(f"kontor_{language}", word))
    return frozenset(found)


def _field_query(field: str, leaf: Word | Phrase | Prefix, fuzzy: bool) -> Any | None:
    analyzer = FIELD_ANALYZER[field]
    if isinstance(leaf, Prefix):
        if field in STEM_FIELDS:
            return None
        tokens = _tokens(analyzer, leaf.text)
        if len(tokens) != 1:
            return None
        return Query.fuzzy_term_query(SCHEMA, field, tokens[0], 0, True, True)
    tokens = _tokens(analyzer, leaf.text)
    if not tokens:
        return None
    if len(tokens) > 1:
        return Query.phrase_query(SCHEMA, field, list[str | tuple[int, str]](tokens))
    distance = fuzziness(leaf.text) if fuzzy and isinstance(leaf, Word) else 0
    if distance and field not in STEM_FIELDS:
        return Query.fuzzy_term_query(SCHEMA, field, tokens[0], distance, True, False)
    return Query.term_query(SCHEMA, field, tokens[0])


def _leaf_query(leaf: Word | Phrase | Prefix, fuzzy: bool) -> Any:
    clauses = []
    for field, boost in BASE_FIELDS.items():
        query = _field_query(field, leaf, fuzzy)
        if query is not None:
            clauses.append((Occur.Should, Query.boost_query(query, boost) if boost != 1 else query))
    for field in STEM_FIELDS:
        query = _field_query(field, leaf, fuzzy)
        if query is not None:
            clauses.append((Occur.Should, query))
    return Query.boolean_query(clauses) if clauses else Query.empty_query()


def compile_query(node: Node | None, fuzzy: bool) -> Any:
    """The tantivy query for a parsed user query (None: every document)."""
    if node is None:
        return Query.all_query()
    if isinstance(node, Word | Phrase | Prefix):
        return _leaf_query(node, fuzzy)
    if isinstance(node, Not):
        return Query.boolean_query(
            [(Occur.Must, Query.all_query()), (Occur.MustNot, compile_query(node.item, fuzzy))]
        )
    if isinstance(node, Or):
        if not node.items:
            return Query.empty_query()
        return Query.boolean_query([(Occur.Should, compile_query(i, fuzzy)) for i in node.items])
    assert isinstance(node, And)
    clauses = []
    for item in node.items:
        if isinstance(item, Not):
            clauses.append((Occur.MustNot, compile_query(item.item, fuzzy)))
        else:
            clauses.append((Occur.Must, compile_query(item, fuzzy)))
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses.append((Occur.Must, Query.all_query()))
    return Query.boolean_query(clauses)


def _any_viewer_term(terms: tuple[str, ...]) -> Any:
    """One of these terms. A union of term queries rather than a term set: each term query
    skips an absent term at once, where a term set walks the field's whole dictionary, and
    most of a caller's access terms are absent from any index."""
    return Query.boolean_query(
        [(Occur.Should, Query.term_query(SCHEMA, "viewers", term)) for term in terms]
    )


@lru_cache(maxsize=256)
def access_query(access: SearchAccess) -> Any:
    """At one level or another, one of the caller's `allow` terms and none of the `cut` ones
    (built once per set of principals and tree depth: a user's searches reuse it)."""
    levels = [
        Query.boolean_query(
            [
                (Occur.Must, _any_viewer_term(level.allow)),
                *([(Occur.MustNot, _any_viewer_term(level.cut))] if level.cut else []),
            ]
        )
        for level in access.levels
    ]
    if not levels:
        return Query.empty_query()
    return Query.boolean_query([(Occur.Should, level) for level in levels])


def filter_clauses(request: SearchRequest) -> list[Any]:
    """Live documents, the caller's principals and the document filters, as tantivy terms."""
    filters = request.filters
    clauses = [Query.term_query(SCHEMA, "live", 1)]
    if request.access is not None:
        clauses.append(access_query(request.access))
    if filters.folder is not None:
        clauses.append(Query.term_query(SCHEMA, "folder", filters.folder))
    if filters.document_type:
        clauses.append(Query.term_query(SCHEMA, "document_type", filters.document_type))
    if filters.status:
        clauses.append(Query.term_query(SCHEMA, "status", filters.status))
    for tag in filters.tags:
        clauses.append(Query.term_query(SCHEMA, "tags", tag))
    if filters.owner:
        clauses.append(Query.term_query(SCHEMA, "owner", filters.owner))
    if filters.linked_to:
        kind, identifier = filters.linked_to
        clauses.append(Query.term_query(SCHEMA, "linked", f"{kind}:{identifier}"))
    if filters.created_after or filters.created_before:
        clauses.append(
            Query.range_query(
                SCHEMA,
                "created",
                FieldType.Integer,
                _micros(filters.created_after) if filters.created_after else -(2**62),
                _micros(filters.created_before) if filters.created_before else 2**62,
                include_lower=True,
                include_upper=False,
            )
        )
    return clauses


def full_query(request: SearchRequest) -> Any:
    clauses = [(Occur.Must, compile_query(request.query, request.fuzzy))]
    clauses += [(Occur.Must, clause) for clause in filter_clauses(request)]
    return Query.boolean_query(clauses)


FACET_AGGREGATION = {
    name: {"terms": {"field": name, "size": FACET_SIZE}}
    for name in ("document_type", "status", "tags")
}


def _document(record: IndexRecord, version: int) -> Any:
    values: dict[str, Any] = {
        "id": record.id,
        "version": version,
        "fingerprint": record.fingerprint,
        "live": 1 if record.is_live else 0,
    }
    if record.is_live:
        values.update(title=record.title, meta=record.meta, text=record.text)
        if record.language in LANGUAGES:
            values[f"stem_{record.language}"] = f"{record.title}\n{record.text}"
        if record.document_type:
            values["document_type"] = record.document_type
        values.update(status=record.status, owner=record.owner, language=record.language)
        for name in ("tags", "linked", "viewers"):
            if getattr(record, name):
                values[name] = list(getattr(record, name))
        if record.folder is not None:
            values["folder"] = record.folder
        if record.created_at is not None:
            values["created"] = _micros(record.created_at)
    return tantivy.Document(**values)


class EmbeddedBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._indexes: dict[str, Any] = {}
        self._guard = threading.Lock()

    # ----------------------------------------------------------------- index bookkeeping
    def _pointer(self) -> Path:
        return self.root / "CURRENT"

    @contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        locks = self.root / "locks"
        try:
            locks.mkdir(parents=True, exist_ok=True)
            handle = open(locks / f"{name}.lock", "a+")  # noqa: SIM115
        except OSError as error:
            raise SearchUnavailable(f"search index folder unusable: {error}") from error
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SearchUnavailable(f"index {name} is locked by a writer") from None
                    time.sleep(0.02)
            yield
        finally:
            handle.close()

    def _open(self, name: str) -> Any:
        with self._guard:
            index = self._indexes.get(name)
            if index is None:
                path = self.root / name
                try:
                    if not (path / "meta.json").exists():
                        raise SearchUnavailable(f"search index {name} is missing")
                    index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
                except ENGINE_ERRORS as error:
                    raise SearchUnavailable(f"cannot open search index {name}: {error}") from error
                for analyzer_name, analyzer in ANALYZERS.items():
                    index.register_tokenizer(analyzer_name, analyzer)
                self._indexes[name] = index
            return index

    def live_index(self) -> str:
        try:
            return self._pointer().read_text().strip()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise SearchUnavailable(f"search index folder unusable: {error}") from error
        with self._file_lock("CURRENT"):
            if self._pointer().exists():
                return self._pointer().read_text().strip()
            name = self.create_index()
            self._write_pointer(name)
            return name

    def _write_pointer(self, name: str) -> None:
        temporary = self.root / f"CURRENT.{uuid.uuid4().hex}"
        temporary.write_text(name)
        os.replace(temporary, self._pointer())

    def create_index(self) -> str:
        name = f"index-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        path = self.root / name
        try:
            path.mkdir(parents=True)
            tantivy.Index(SCHEMA, path=str(path), reuse=False)
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(f"cannot create search index: {error}") from error
        return name

    def index_exists(self, index: str) -> bool:
        return (self.root / index / "meta.json").exists()

    def promote(self, index: str) -> str | None:
        with self._file_lock("CURRENT"):
            previous = self._pointer().read_text().strip() if self._pointer().exists() else None
            self._write_pointer(index)
        return previous

    def drop_index(self, index: str) -> None:
        import shutil

        with self._file_lock(index):
            with self._guard:
                self._indexes.pop(index, None)
            shutil.rmtree(self.root / index, ignore_errors=True)

    def refresh(self, index: str | None = None) -> None:
        try:
            self._open(index or self.live_index()).reload()
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(str(error)) from error

    def ping(self) -> bool:
        try:
            return self.index_exists(self.live_index())
        except SearchUnavailable:
            return False

    # ----------------------------------------------------------------- writes
    def write(self, records: list[IndexRecord], version: int, *, index: str | None = None) -> None:
        if not records:
            return
        name = index or self.live_index()
        documents, rejected = self._documents(records, version)
        with self._file_lock(name):
            engine = self._open(name)
            try:
                engine.reload()
                current = self._versions(engine.searcher(), [record.id for record in records])
                large = len(records) >= 1000
                writer = engine.writer(
                    heap_size=256_000_000 if large else 32_000_000, num_threads=0 if large else 1
                )
                try:
                    for document_id, document in documents:
                        if current.get(document_id, -1) >= version:
                            continue  # a newer (or the same) version is indexed already
                        writer.delete_documents_by_term("id", document_id)
                        writer.add_document(document)
                    writer.commit()
                    writer.wait_merging_threads()
                finally:
                    del writer
                engine.reload()
            except ENGINE_ERRORS as error:
                raise SearchUnavailable(f"search index write failed: {error}") from error
        if rejected:
            raise RecordsRejected(rejected)

    @staticmethod
    def _documents(records: list[IndexRecord], version: int) -> tuple[list[Any], dict[int, str]]:
        """Engine documents of the records, and why tantivy refused some (a str it cannot
        hold, such as an unpaired surrogate, fails here and not in the writer)."""
        documents = []
        rejected = {}
        for record in records:
            try:
                documents.append((record.id, _document(record, version)))
            except ENGINE_ERRORS as error:
                rejected[record.id] = f"{error.__class__.__name__}: {error}"
        return documents, rejected

    @staticmethod
    def _versions(searcher: Any, ids: list[int]) -> dict[int, int]:
        if searcher.num_docs == 0:
            return {}
        hits = searcher.search(
            Query.term_set_query(SCHEMA, "id", ids), len(ids) * 2 + 10, count=False
        ).hits
        addresses = [address for _score, address in hits]
        found: dict[int, int] = {}
        for document_id, version in zip(
            searcher.fast_field_values("id", addresses),
            searcher.fast_field_values("version", addresses),
            strict=True,
        ):
            found[int(document_id)] = max(found.get(int(document_id), -1), int(version))
        return found

    # ----------------------------------------------------------------- reads
    def searcher(self) -> Any:
        return self._open(self.live_index()).searcher()

    def search(self, request: SearchRequest) -> SearchOutcome:
        try:
            searcher = self.searcher()
            query = full_query(request)
            if request.sort == "-created_at":
                result = searcher.search(
                    query,
                    request.limit,
                    count=True,
                    order_by_field="created",
                    offset=request.offset,
                    order=Order.Desc,
                )
            else:
                result = searcher.search(query, request.limit, count=True, offset=request.offset)
            facets = (
                self._facets(searcher.aggregate(query, FACET_AGGREGATION))
                if request.with_facets
                else {}
            )
            hits = self._hits(searcher, result.hits, request)
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(f"search failed: {error}") from error
        return SearchOutcome(total=int(result.count or 0), hits=hits, facets=facets)

    @staticmethod
    def _facets(aggregations: dict[str, Any]) -> dict[str, dict[str, int]]:
        return {
            name: {bucket["key"]: int(bucket["doc_count"]) for bucket in body.get("buckets", [])}
            for name, body in aggregations.items()
        }

    @staticmethod
    def _hits(searcher: Any, raw: list[Any], request: SearchRequest) -> list[Hit]:
        highlighter = (
            Highlighter(leaves(request.query), fuzzy=request.fuzzy, stems=stems)
            if request.with_highlights and request.query is not None
            else None
        )
        scored = request.sort != "-created_at"
        if highlighter is None:
            # Only the ids are needed: a fast-field read, not the stored document with its text.
            addresses = [address for _score, address in raw]
            document_ids = searcher.fast_field_values("id", addresses) if addresses else []
            return [
                Hit(document_id=int(document_id), score=float(score) if scored else None)
                for (score, _address), document_id in zip(raw, document_ids, strict=True)
            ]
        hits = []
        for score, address in raw:
            document = searcher.doc(address)
            highlights = highlighter.highlights(
                title=document.get_first("title") or "",
                text=document.get_first("text") or "",
                meta=document.get_first("meta") or "",
            )
            hits.append(
                Hit(
                    document_id=int(document.get_first("id")),
                    score=float(score) if scored else None,
                    highlights=highlights,
                )
            )
        return hits

    def entries(self, *, index: str | None = None) -> Iterator[IndexedEntry]:
        try:
            engine = self._open(index or self.live_index())
            engine.reload()
            searcher = engine.searcher()
            if searcher.num_docs == 0:
                return
            addresses = [
                address
                for _score, address in searcher.search(
                    Query.all_query(), searcher.num_docs, count=False
                ).hits
            ]
            columns = [
                searcher.fast_field_values(name, addresses)
                for name in ("id", "version", "fingerprint", "live")
            ]
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(str(error)) from error
        rows = sorted(zip(*columns, strict=True))
        for document_id, version, fingerprint, live in rows:
            yield IndexedEntry(int(document_id), int(version), int(fingerprint), bool(live))
