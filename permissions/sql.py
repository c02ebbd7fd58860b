"""`field IN (ids)` for the selectors' id sets, without Django preparing every id.

The selectors resolve small sets of ids (granted folders, documents with entries of their own)
and filter documents on them. Django's `__in` lookup prepares each value one by one, which for
a thousand folder ids costs more than the query; these ids come from the database as integers,
so they are written into the SQL as integers instead.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F, Q, QuerySet


class IdIn(Expression):
    """`field IN (ids)`, false (never unknown) for a NULL field, so it negates safely."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]) -> None:
        super().__init__()
        self.column: Any = F(field)
        self.ids = [int(value) for value in ids]

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def _membership(self, compiler: Any, template: str, separator: str) -> Any:
        column, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", []
        values = separator.join(map(str, self.ids))
        test = template.format(column=column, values=values)
        return f"({column} IS NOT NULL AND {test})", list(params)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return self._membership(compiler, "{column} IN ({values})", ", ")

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        """One array constant: PostgreSQL parses and plans it far faster than a long IN list."""
        return self._membership(compiler, "{column} = ANY('{{{values}}}'::bigint[])", ",")


def id_in(field: str, ids: list[int] | QuerySet[Any]) -> Q:
    """`Q(field__in=ids)`: literal integers for a list, a subquery for a queryset."""
    if isinstance(ids, QuerySet):
        return Q(**{f"{field}__in": ids})
    return Q(IdIn(field, ids))
