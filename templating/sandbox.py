"""The Jinja2 environment user templates render in: sandboxed, bounded, escaping for XML.

Templates are untrusted input. Jinja2's `SandboxedEnvironment` refuses attributes starting with
`_` and the internals of functions, frames and generators, and sandboxes `str.format`; on top
of it this environment:
- raises at once on an unsafe attribute (the stock sandbox hands back an undefined value that
  prints as nothing, so a probe would pass unnoticed);
- has no loader (no `include`, `import` or `extends` of any file) and no globals but a bounded
  `range` and `namespace` (`cycler`, `joiner`, `lipsum`, `dict` are gone);
- bounds what one expression can build: `*`, `**` and `%` on large operands, integers passed to
  any method or filter (`'x'.ljust(10**9)`, `'x'|center(10**9)`), widths in format strings;
- stops rendering past an output budget or a deadline, checked at every piece of output the
  template yields, so a loop of a billion rows ends with `RenderLimit`.
The render also runs in a child process with its own memory and CPU limits
(`templating.isolation`): whatever slips past these checks cannot hurt the server.
"""

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import ChainableUndefined, Environment, Template, nodes
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup

from templating.formatting import FILTERS

MAX_RANGE = 10_000
# Integers larger than this are refused as arguments of a call or a filter, and as the
# operands of `*` and `**`: nothing a document needs comes near it.
MAX_ARGUMENT = 100_000
MAX_POWER_RESULT_DIGITS = 100
MAX_STRING = 1_000_000
# A width of thousands of characters in a %-format or a str.format field.
PERCENT_WIDTH = re.compile(r"%[-#0 +]*\d{4,}")
BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{4,}[^{}]*\}")
# A private or special name in a string (`attr('__class__')`, `x['_y']`, `'{0.__class__}'`);
# a run of underscores alone (a blank to fill in by hand) is fine.
PRIVATE_NAME = re.compile(r"(^|[.\[{'\"])_[A-Za-z]|__[A-Za-z]")


class RenderLimit(TemplateRuntimeError):
    """The render went past its time or output budget."""


class Budget:
    """How long a render may take and how much text it may write."""

    def __init__(self, *, seconds: float, characters: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.characters = characters
        self.seconds = seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"The document took longer than {self.seconds:g} s to fill.")

    def spend(self, pieces: Iterator[str]) -> Iterator[str]:
        left = self.characters
        for piece in pieces:
            left -= len(piece)
            if left < 0:
                raise RenderLimit(
                    f"The document would be larger than {self.characters} characters."
                )
            self.check_time()
            yield piece


def bounded_range(budget: Budget | None) -> Callable[..., Iterator[int]]:
    """`range` giving at most MAX_RANGE numbers, checking the deadline at each: nested loops
    that write nothing still stop in time."""

    def numbers(*args: int) -> Iterator[int]:
        span = range(*args)
        if len(span) > MAX_RANGE:
            raise RenderLimit(f"range() may give at most {MAX_RANGE} numbers.")
        for number in span:
            if budget is not None:
                budget.check_time()
            yield number

    return numbers


def _check_format(value: Any) -> None:
    if isinstance(value, str) and (PERCENT_WIDTH.search(value) or BRACE_WIDTH.search(value)):
        raise RenderLimit("A format with a width of thousands of characters.")


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise RenderLimit(f"A number passed to a function may be at most {MAX_ARGUMENT}.")
        _check_format(value)


# Filters whose arguments are values to print, not sizes: any number may go in.
PRINTING_FILTERS = {"format", *FILTERS}


def _bounded_filter(name: str, function: Any) -> Any:
    """The filter, refusing huge widths in any text it is given (`'%999999999d'|format(1)`) and
    huge numbers among the arguments of those taking sizes (`center`, `indent`, `truncate`);
    the value filtered may be any number."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not isinstance(a, Context | EvalContext | Environment)]
        if values:
            _check_format(values[0])
        if name in PRINTING_FILTERS:
            for value in (*values[1:], *kwargs.values()):
                _check_format(value)
        else:
            _check_arguments(tuple(values[1:]), kwargs)
        return function(*args, **kwargs)

    if hasattr(function, "jinja_pass_arg"):  # keep the pass_context / pass_environment mark
        bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    bounded.__name__ = getattr(function, "__name__", "filter")
    return bounded


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _multiply(left: Any, right: Any) -> Any:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(times, int) and _size(sequence) * abs(times) > MAX_STRING:
            raise RenderLimit("A repetition would build too much text.")
    return left * right


def _power(left: Any, right: Any) -> Any:
    if isinstance(right, int | float) and abs(right) > MAX_POWER_RESULT_DIGITS:
        raise RenderLimit(f"An exponent may be at most {MAX_POWER_RESULT_DIGITS}.")
    if isinstance(left, int | float) and abs(left) > MAX_ARGUMENT:
        raise RenderLimit(f"A base may be at most {MAX_ARGUMENT}.")
    return left**right


def _modulo(left: Any, right: Any) -> Any:
    _check_format(left)
    return left % right


class DocumentEnvironment(SandboxedEnvironment):
    """The sandbox every template is parsed and rendered in (one per render: it holds the
    render's budget)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, budget: Budget | None = None) -> None:
        super().__init__(autoescape=True, undefined=ChainableUndefined, loader=None)
        self.budget = budget
        self.globals.clear()
        self.globals.update(range=bounded_range(budget), namespace=Namespace)
        self.filters.update(FILTERS)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.binop_table.update({"*": _multiply, "**": _power, "%": _modulo})
        self.template_class = BudgetedTemplate

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(
            f"The template reaches for '{attribute}' of a {type(obj).__name__}: not allowed."
        )

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        is_str_format = getattr(__obj, "__name__", "") in ("format", "format_map") and isinstance(
            getattr(getattr(__obj, "__wrapped__", None), "__self__", None), str
        )
        if is_str_format:
            # `'{:,}'.format(n)`: the values are printed, the widths were checked on access
            return super().call(__context, __obj, *args, **kwargs)
        _check_arguments(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


class BudgetedTemplate(Template):
    """A template whose output is spent from its environment's budget as it is written."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = self.new_context(dict(*args, **kwargs))
        budget = getattr(self.environment, "budget", None)
        pieces = self.root_render_func(context)
        try:
            if budget is not None:
                pieces = budget.spend(pieces)
            return str(self.environment.concat(pieces))  # type: ignore[attr-defined]
        except Exception:
            self.environment.handle_exception()
            raise  # handle_exception always raises; this satisfies the type checker


# Statements a template may not hold: they would read other templates (files).
FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}


def unsafe_constructs(tree: nodes.Template) -> list[str]:
    """What a parsed template holds that no document template needs and every escape attempt
    does: private attributes (`x.__class__`, `x['__globals__']`, `x|attr('__init__')`) and
    statements reading files. Found at upload, so a hostile template never gets stored."""
    found: list[str] = []
    for kind, name in FORBIDDEN_NODES.items():
        if any(True for _ in tree.find_all(kind)):
            found.append(f"{{% {name} %}}")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Const)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            found.append(f".{node.attr}")
        elif (
            isinstance(node, nodes.Const)
            and isinstance(node.value, str)
            and PRIVATE_NAME.search(node.value)
        ):
            found.append(repr(node.value[:40]))
    return sorted(set(found))


__all__ = [
    "Budget",
    "DocumentEnvironment",
    "Markup",
    "RenderLimit",
    "unsafe_constructs",
]
