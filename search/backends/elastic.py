"""The production backend: Elasticsearch 8 through the official client.

Physical indexes `<prefix>-documents-<stamp>` come from one index template (language
analyzers, strict mapping); reads go through the alias `<prefix>-documents`, writes through
`<prefix>-documents-write`. A reindex builds a new physical index and moves both aliases in one
atomic `_aliases` call. Bulk writes carry external versions, so repeated or out-of-order
writes converge on the newest state; deletions are tombstones (`live: false`) rather than
deletes, so a late, older write cannot bring a trashed document back after ES's `gc_deletes`.
"""

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from permissions.index_terms import SearchAccess
from search.backends.base import (
    FACET_FIELDS,
    FACET_SIZE,
    Hit,
    IndexedEntry,
    RecordsRejected,
    SearchBackend,
    SearchOutcome,
    SearchRequest,
    SearchUnavailable,
)
from search.query import And, Node, Not, Or, Phrase, Prefix, Word, fuzziness
from search.records import LANGUAGES, IndexRecord

LANGUAGE_ANALYZERS = {
    "en": "english",
    "ru": "russian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
}
TEXT_FIELDS = [f"text_{language}" for language in (*LANGUAGES, "other")]
QUERY_FIELDS = [
    "title^3",
    "title.*^3",
    "meta^2",
    *TEXT_FIELDS,
    *(f"{f}.plain" for f in TEXT_FIELDS),
]
PREFIX_FIELDS = ["title", "meta", *(f"{field}.plain" for field in TEXT_FIELDS)]
ENGINE_ERRORS = (TransportError, ApiError)


def _folded() -> dict[str, Any]:
    return {"type": "text", "analyzer": "kontor_folded"}


def template_body(prefix: str) -> dict[str, Any]:
    text_fields: dict[str, Any] = {
        f"text_{language}": {
            "type": "text",
            "analyzer": analyzer,
            "fields": {"plain": _folded()},
        }
        for language, analyzer in LANGUAGE_ANALYZERS.items()
    }
    text_fields["text_other"] = {**_folded(), "fields": {"plain": _folded()}}
    keyword = {"type": "keyword"}
    return {
        "index_patterns": [f"{prefix}-documents-*"],
        "template": {
            "settings": {
                "number_of_shards": 1,
                "analysis": {
                    "analyzer": {
                        "kontor_folded": {
                            "type": "custom",
                            "tokenizer": "standard",
                            "filter": ["lowercase", "asciifolding"],
                        }
                    }
                },
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "id": {"type": "long"},
                    "fingerprint": {"type": "long"},
                    "live": {"type": "boolean"},
                    "title": {
                        **_folded(),
                        "fields": {
                            language: {"type": "text", "analyzer": analyzer}
                            for language, analyzer in LANGUAGE_ANALYZERS.items()
                        },
                    },
                    "meta": _folded(),
                    **text_fields,
                    "language": keyword,
                    "document_type": keyword,
                    "status": keyword,
                    "tags": keyword,
                    "owner": keyword,
                    "linked": keyword,
                    "viewers": keyword,
                    "folder": {"type": "long"},
                    "created_at": {"type": "date"},
                },
            },
        },
    }


def _leaf(leaf: Word | Phrase | Prefix, fuzzy: bool) -> dict[str, Any]:
    if isinstance(leaf, Prefix):
        value = leaf.text.lower()
        return {
            "bool": {
                "should": [{"prefix": {field: {"value": value}}} for field in PREFIX_FIELDS],
                "minimum_should_match": 1,
            }
        }
    if isinstance(leaf, Phrase) or "-" in leaf.text:
        return {"multi_match": {"query": leaf.text, "fields": QUERY_FIELDS, "type": "phrase"}}
    body: dict[str, Any] = {"query": leaf.text, "fields": QUERY_FIELDS, "operator": "and"}
    if fuzzy and fuzziness(leaf.text):
        body["fuzziness"] = "AUTO"
    return {"multi_match": body}


def compile_query(node: Node | None, fuzzy: bool) -> dict[str, Any]:
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Word | Phrase | Prefix):
        return _leaf(node, fuzzy)
    if isinstance(node, Not):
        return {"bool": {"must_not": [compile_query(node.item, fuzzy)]}}
    if isinstance(node, Or):
        if not node.items:
            return {"match_none": {}}
        return {
            "bool": {
                "should": [compile_query(item, fuzzy) for item in node.items],
                "minimum_should_match": 1,
            }
        }
    assert isinstance(node, And)
    must = [compile_query(item, fuzzy) for item in node.items if not isinstance(item, Not)]
    must_not = [compile_query(item.item, fuzzy) for item in node.items if isinstance(item, Not)]
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}


def access_filter(access: SearchAccess) -> dict[str, Any]:
    """At one level or another, one of the caller's `allow` terms and none of the `cut` ones."""
    levels = [
        {
            "bool": {
                "filter": [{"terms": {"viewers": list(level.allow)}}],
                "must_not": [{"terms": {"viewers": list(level.cut)}}] if level.cut else [],
            }
        }
        for level in access.levels
    ]
    if not levels:
        return {"match_none": {}}
    return {"bool": {"should": levels, "minimum_should_match": 1}}


def filter_clauses(request: SearchRequest) -> list[dict[str, Any]]:
    filters = request.filters
    clauses: list[dict[str, Any]] = [{"term": {"live": True}}]
    if request.access is not None:
        clauses.append(access_filter(request.access))
    if filters.folder is not None:
        clauses.append({"term": {"folder": filters.folder}})
    if filters.document_type:
        clauses.append({"term": {"document_type": filters.document_type}})
    if filters.status:
        clauses.append({"term": {"status": filters.status}})
    clauses += [{"term": {"tags": tag}} for tag in filters.tags]
    if filters.owner:
        clauses.append({"term": {"owner": filters.owner}})
    if filters.linked_to:
        kind, identifier = filters.linked_to
        clauses.append({"term": {"linked": f"{kind}:{identifier}"}})
    if filters.created_after or filters.created_before:
        bounds: dict[str, str] = {}
        if filters.created_after:
            bounds["gte"] = filters.created_after.isoformat()
        if filters.created_before:
            bounds["lt"] = filters.created_before.isoformat()
        clauses.append({"range": {"created_at": bounds}})
    return clauses


def _source(record: IndexRecord) -> dict[str, Any]:
    if not record.is_live:
        return {"id": record.id, "live": False, "fingerprint": record.fingerprint}
    language = record.language if record.language in LANGUAGES else "other"
    return {
        "id": record.id,
        "live": True,
        "fingerprint": record.fingerprint,
        "title": record.title,
        "meta": record.meta,
        f"text_{language}": record.text,
        "language": record.language,
        "document_type": record.document_type or None,
        "status": record.status,
        "tags": record.tags,
        "owner": record.owner,
        "linked": record.linked,
        "viewers": record.viewers,
        "folder": record.folder,
        "created_at": record.created_at.isoformat() if record.created_at else None,
    }


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str) -> None:
        self.client = Elasticsearch(url, request_timeout=15, max_retries=1, retry_on_timeout=True)
        self.read_alias = f"{prefix}-documents"
        self.write_alias = f"{prefix}-documents-write"
        self.prefix = prefix
        self._ready = False
        self._guard = threading.Lock()

    def _call(self, operation: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(f"elasticsearch {operation} failed: {error}") from error

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._guard:
            if self._ready:
                return
            self._call(
                "put template",
                self.client.indices.put_index_template,
                name=f"{self.prefix}-documents",
                **template_body(self.prefix),
            )
            if not self._call(
                "alias check", self.client.indices.exists_alias, name=self.read_alias
            ):
                name = self.create_index()
                self._call(
                    "alias",
                    self.client.indices.update_aliases,
                    actions=[
                        {"add": {"index": name, "alias": self.read_alias}},
                        {"add": {"index": name, "alias": self.write_alias, "is_write_index": True}},
                    ],
                )
            self._ready = True

    def live_index(self) -> str:
        self._ensure_ready()
        aliases = self._call("alias", self.client.indices.get_alias, name=self.read_alias)
        return sorted(aliases.body)[-1]

    def create_index(self) -> str:
        name = f"{self.prefix}-documents-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self._call("create index", self.client.indices.create, index=name)
        return name

    def index_exists(self, index: str) -> bool:
        return bool(self._call("exists", self.client.indices.exists, index=index))

    def promote(self, index: str) -> str | None:
        previous = self.live_index()
        self._call(
            "alias swap",
            self.client.indices.update_aliases,
            actions=[
                {"remove": {"index": previous, "alias": self.read_alias}},
                {"remove": {"index": previous, "alias": self.write_alias}},
                {"add": {"index": index, "alias": self.read_alias}},
                {"add": {"index": index, "alias": self.write_alias, "is_write_index": True}},
            ],
        )
        return previous

    def drop_index(self, index: str) -> None:
        self._call("drop", self.client.options(ignore_status=404).indices.delete, index=index)

    def refresh(self, index: str | None = None) -> None:
        self._ensure_ready()
        self._call("refresh", self.client.indices.refresh, index=index or self.read_alias)

    def ping(self) -> bool:
        try:
            return bool(self.client.options(request_timeout=2).ping())
        except Exception:
            return False

    def write(self, records: list[IndexRecord], version: int, *, index: str | None = None) -> None:
        if not records:
            return
        self._ensure_ready()
        target = index or self.write_alias
        actions = [
            {
                "_op_type": "index",
                "_index": target,
                "_id": str(record.id),
                "version": version,
                "version_type": "external",
                "_source": _source(record),
            }
            for record in records
        ]
        _ok, errors = self._call(
            "bulk",
            helpers.bulk,
            self.client,
            actions,
            raise_on_error=False,
            raise_on_exception=True,
            refresh="wait_for" if index is None else False,
            require_alias=index is None,
        )
        items = [next(iter(error.values())) for error in errors]
        # 409: a newer version is there. 400: this document does not fit (its content); the
        # rest (429 too busy, 5xx) is the engine's trouble and worth a retry of everything.
        failures = [item for item in items if item.get("status") not in (400, 409)]
        if failures:
            raise SearchUnavailable(
                f"elasticsearch rejected {len(failures)} writes: {failures[:3]}"
            )
        rejected = {
            int(item["_id"]): f"elasticsearch refused it: {item.get('error')}"[:500]
            for item in items
            if item.get("status") == 400
        }
        if rejected:
            raise RecordsRejected(rejected)

    def search(self, request: SearchRequest) -> SearchOutcome:
        self._ensure_ready()
        body: dict[str, Any] = {
            "query": {
                "bool": {
                    "must": [compile_query(request.query, request.fuzzy)],
                    "filter": filter_clauses(request),
                }
            },
            "from_": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "source": False,
        }
        if request.sort == "-created_at":
            body["sort"] = [{"created_at": "desc"}, {"id": "desc"}]
        if request.with_facets:
            body["aggs"] = {
                name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS
            }
        if request.with_highlights and request.query is not None:
            body["highlight"] = {
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "encoder": "html",
                "require_field_match": False,
                "fields": {
                    "title": {"number_of_fragments": 0},
                    "text_*": {"number_of_fragments": 2, "fragment_size": 160},
                    "meta": {"number_of_fragments": 1, "fragment_size": 160},
                },
            }
        response = self._call("search", self.client.search, index=self.read_alias, **body)
        hits = []
        for raw in response["hits"]["hits"]:
            fragments: list[str] = []
            highlight = raw.get("highlight", {})
            for field in ("title", *sorted(name for name in highlight if name != "title")):
                for fragment in highlight.get(field, []):
                    if fragment not in fragments:
                        fragments.append(fragment)
            hits.append(
                Hit(
                    document_id=int(raw["_id"]),
                    score=raw.get("_score") if request.sort != "-created_at" else None,
                    highlights=fragments[:3],
                )
            )
        facets = {
            name: {
                str(bucket["key"]): int(bucket["doc_count"])
                for bucket in response.get("aggregations", {}).get(name, {}).get("buckets", [])
            }
            for name in (FACET_FIELDS if request.with_facets else ())
        }
        return SearchOutcome(
            total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets
        )

    def entries(self, *, index: str | None = None) -> Iterator[IndexedEntry]:
        self._ensure_ready()
        after: list[Any] | None = None
        while True:
            page = self._call(
                "scan",
                self.client.search,
                index=index or self.read_alias,
                query={"match_all": {}},
                sort=[{"id": "asc"}],
                size=1000,
                source=["id", "fingerprint", "live"],
                version=True,
                search_after=after,
            )["hits"]["hits"]
            if not page:
                return
            for raw in page:
                source = raw.get("_source", {})
                yield IndexedEntry(
                    int(source["id"]),
                    int(raw.get("_version", 0)),
                    int(source.get("fingerprint", 0)),
                    bool(source.get("live", True)),
                )
            after = page[-1]["sort"]
