"""`core.compiled.CompiledRows` runs Django's own compiled SQL and converters through private
parts of the ORM (`Query.chain`, `clear_ordering`, `values_select`, `SQLCompiler.as_sql`,
`select`, `col_count`, `get_converters`). Django may change them in any release without notice,
so every test here fails with one message pointing at the module to review: on a Django version
it was not reviewed against, on a changed signature, or on rows that differ from the ORM's.
"""

import datetime
import inspect
from typing import Any

import django
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query

from core.compiled import CompiledRows
from repository.models import Document, DocumentType, Folder, Tag

# The Django release whose compiler `core/compiled.py` was last read against.
REVIEWED_AGAINST = (5, 2)
CHANGED = "Django's SQL compiler changed: review core/compiled.py"


def _require(condition: bool, detail: str) -> None:
    if not condition:
        pytest.fail(f"{CHANGED} ({detail})", pytrace=False)


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_django_release_is_the_one_reviewed() -> None:
    _require(
        django.VERSION[:2] == REVIEWED_AGAINST,
        f"reviewed against Django {REVIEWED_AGAINST}, running {django.get_version()};"
        " once reviewed, update REVIEWED_AGAINST in this test",
    )


def test_the_private_parts_used_keep_their_shape() -> None:
    _require(_parameters(Query.chain)[:2] == ["self", "klass"], "Query.chain(klass=None)")
    _require("force" in _parameters(Query.clear_ordering), "Query.clear_ordering(force=...)")
    _require(_parameters(Query.get_compiler)[:2] == ["self", "using"], "Query.get_compiler(using)")
    _require(_parameters(SQLCompiler.as_sql)[0] == "self", "SQLCompiler.as_sql()")
    _require(
        _parameters(SQLCompiler.get_converters) == ["self", "expressions"],
        "SQLCompiler.get_converters(expressions)",
    )
    query = Document.objects.values("id", "created_at", "metadata").query.chain()
    for name in ("extra_select", "values_select", "annotation_select"):
        _require(hasattr(query, name), f"Query.{name}")
    compiler = query.get_compiler(connection.alias)
    compiler.as_sql()
    _require(isinstance(getattr(compiler, "col_count", None), int), "SQLCompiler.col_count")
    _require(
        isinstance(getattr(compiler, "select", None), list)
        and len(compiler.select) >= compiler.col_count,
        "SQLCompiler.select after as_sql()",
    )
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    _require(isinstance(converters, dict), "get_converters() returns {position: ...}")
    for position, entry in converters.items():
        _require(
            isinstance(position, int) and len(entry) == 2,
            "get_converters() returns {position: (functions, expression)}",
        )
        for convert in entry[0]:
            try:
                inspect.signature(convert).bind(None, entry[1], connection)
            except TypeError:
                _require(
                    False, f"converter {convert} no longer takes (value, expression, connection)"
                )
    with pytest.raises(EmptyResultSet):
        Document.objects.none().values("id").query.get_compiler(connection.alias).as_sql()


@pytest.fixture
def documents(db: None) -> list[int]:
    owner = User.objects.create_user("owner", password="unused-pass-1")
    kind = DocumentType.objects.create(slug="invoice", name="Invoice", metadata_schema={"a": [1]})
    outer = Folder.objects.create(name="Outer", owner=owner)
    inner = Folder.objects.create(name="Inner", parent=outer, owner=owner)
    tags = [Tag.objects.create(name=name) for name in ("blue", "red")]
    ids = []
    for n, folder in enumerate([outer, inner, None, inner, outer]):
        document = Document.objects.create(
            title=f"Document {n}",
            folder=folder,
            owner=owner,
            document_type=kind if n % 2 else None,
            metadata={"n": n, "nested": {"big": 10**16 + n}, "text": "é"},
            is_deleted=n == 3,
            locked_at=datetime.datetime(2026, 1, n + 1, 12, tzinfo=datetime.UTC) if n else None,
        )
        document.tags.set(tags[: n % 3])
        ids.append(document.pk)
    return ids


QUERIES: dict[str, Any] = {
    "columns of every kind": lambda: Document.objects.values(
        "id", "title", "is_deleted", "created_at", "locked_at", "metadata", "folder_id"
    ),
    "joins, nullable and JSON": lambda: Document.objects.values(
        "id",
        "owner__username",
        "folder__name",
        "folder__parent__name",
        "document_type__metadata_schema",
    ),
    "filters and annotations": lambda: (
        Document.objects.filter(Q(is_deleted=False) | Q(folder__isnull=True))
        .annotate(
            lower=Lower("title"),
            label=Concat("title", Value(" / "), "owner__username"),
            next_id=F("id") + 1,
        )
        .values("id", "lower", "label", "next_id")
    ),
    "grouped": lambda: Document.objects.annotate(tag_count=Count("tags")).values("id", "tag_count"),
    "many-to-many rows": lambda: Document.tags.through.objects.values("document_id", "tag__name"),
}


def _in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: repr(sorted(row.items())))


@pytest.mark.parametrize("name", list(QUERIES))
def test_rows_equal_the_orms_own(documents: list[int], name: str) -> None:
    queryset: QuerySet[Any] = QUERIES[name]()
    key = "document_id" if "document_id" in queryset.query.values_select else "id"
    chosen = documents[1:4]
    rows = CompiledRows(queryset, key=key).rows(chosen)
    expected = list(queryset.filter(**{f"{key}__in": chosen}))
    _require(len(expected) > 0, f"{name}: the scenario holds rows")
    _require(
        _in_order(rows) == _in_order(expected),
        f"{name}: CompiledRows gave {rows}, the ORM {expected}",
    )
