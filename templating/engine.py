"""Reading a .docx template (its variables, or what is wrong with it) and filling it.

Pure Python, no Django: these functions run in a child process (`templating.isolation`) and
take and give plain data. docxtpl does the Word part (gluing `{{ ... }}` split across runs,
`{%tr %}` table-row loops); every part it renders is parsed and rendered in
`templating.sandbox.DocumentEnvironment`.
"""

import io
import re
from typing import Any

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from docxtpl.template import parse_xml
from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.meta import find_undeclared_variables

from templating.sandbox import Budget, DocumentEnvironment, RenderLimit, unsafe_constructs

PARAGRAPH_START = re.compile(r"<w:p([ >])")
MARKUP = re.compile(r"<[^>]+>")
# A tag, or an opened one that never closes (to the end of the paragraph).
JINJA_TAG = re.compile(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)|\{#.*?(?:#\}|$)")
QUOTED = re.compile(r"'([^']+)'")


class TemplateProblem(Exception):
    """What is wrong with a template, for a person: the problem, the tag and its paragraph.

    `kind`: syntax, unsafe, render, limit or unreadable."""

    def __init__(self, kind: str, message: str, *, tag: str = "", paragraph: str = "") -> None:
        self.kind = kind
        self.message = message
        self.tag = tag
        self.paragraph = paragraph
        super().__init__(kind, message, tag, paragraph)

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "message": self.message,
            "tag": self.tag,
            "paragraph": self.paragraph,
        }

    def __str__(self) -> str:
        where = f" in the paragraph '{self.paragraph}'" if self.paragraph else ""
        tag = f" at {self.tag}" if self.tag else ""
        return f"{self.message}{tag}{where}"


def _open(data: bytes) -> DocxTemplate:
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise TemplateProblem("unreadable", "The file is not a Word (.docx) document.") from error
    return template


def _parts(template: DocxTemplate, data: bytes) -> list[str]:
    """The XML of every part docxtpl renders (body, headers, footers), patched as it patches
    them and one paragraph per line as it renders them, so a line number names a paragraph."""
    document = Document(io.BytesIO(data))
    sources = [template.xml_to_string(document._element.body)]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, relation in document._part.rels.items():
            if relation.reltype == uri and relation.target_part.blob:
                sources.append(template.xml_to_string(parse_xml(relation.target_part.blob)))
    properties = document.core_properties
    sources.append(
        " ".join(
            str(getattr(properties, name) or "")
            for name in ("author", "comments", "identifier", "language", "subject", "title")
        )
    )
    return [PARAGRAPH_START.sub(r"\n<w:p\1", template.patch_xml(source)) for source in sources]


def _paragraph(source: str, line: int | None) -> str:
    if not line:
        return ""
    lines = source.splitlines()
    if not 0 < line <= len(lines):
        return ""
    return " ".join(MARKUP.sub("", lines[line - 1]).split())[:200]


def _failing_tag(paragraph: str, message: str, environment: DocumentEnvironment) -> str:
    """The tag of the paragraph the error is about: the first whose text so far fails by
    itself (not just for a block still open), else the one the message names, else the last."""
    tags = list(JINJA_TAG.finditer(paragraph))
    for tag in tags:
        try:
            environment.parse(paragraph[: tag.end()])
        except TemplateSyntaxError as error:
            if not (error.message or "").lower().startswith("unexpected end of template"):
                return tag.group()
    named = QUOTED.findall(message)
    for tag in tags:
        if any(name in tag.group() for name in named):
            return tag.group()
    return tags[-1].group() if tags else ""


def _dotted(node: nodes.Node) -> str | None:
    names: list[str] = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return ".".join([node.name, *reversed(names)])
    return None


def _variables(tree: nodes.Template) -> set[str]:
    """Each variable the template reads from outside, as its longest dotted path
    (`deal.company.title`, `today`)."""
    outside = find_undeclared_variables(tree)
    paths = {name for name in outside}
    for node in tree.find_all(nodes.Getattr):
        path = _dotted(node)
        if path and path.split(".")[0] in outside:
            paths.add(path)
    return {p for p in paths if not any(other.startswith(f"{p}.") for other in paths)}


def inspect_template(data: bytes) -> list[str]:
    """The variables a template reads, sorted; `TemplateProblem` when its Jinja is broken or
    reaches for what no document may (private attributes, other files)."""
    template = _open(data)
    environment = DocumentEnvironment()
    variables: set[str] = set()
    for source in _parts(template, data):
        try:
            tree = environment.parse(source)
        except TemplateSyntaxError as error:
            paragraph = _paragraph(source, error.lineno)
            raise TemplateProblem(
                "syntax",
                error.message or "The template's syntax is broken.",
                tag=_failing_tag(paragraph, error.message or "", environment),
                paragraph=paragraph,
            ) from error
        unsafe = unsafe_constructs(tree)
        if unsafe:
            raise TemplateProblem(
                "unsafe",
                "The template uses what document templates may not: " + ", ".join(unsafe),
                tag=unsafe[0],
            )
        variables |= _variables(tree)
    return sorted(variables)


class Record(dict[str, Any]):
    """A mapping whose keys read as attributes before its methods do: a deal's `items` are its
    line items, not `dict.items`."""

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_") and dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        return dict.__getattribute__(self, name)


def as_records(value: Any) -> Any:
    """Plain data with every mapping made a `Record`."""
    if isinstance(value, dict):
        return Record({str(key): as_records(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return [as_records(item) for item in value]
    return value


def render_template(
    data: bytes, context: dict[str, Any], *, seconds: float, characters: int
) -> bytes:
    """The filled document's bytes; `TemplateProblem` when the template fails, reaches for
    what it may not or goes past its budget."""
    template = _open(data)
    environment = DocumentEnvironment(Budget(seconds=seconds, characters=characters))
    try:
        template.render(as_records(context), jinja_env=environment, autoescape=True)
    except RenderLimit as error:
        raise TemplateProblem("limit", str(error)) from error
    except SecurityError as error:
        raise TemplateProblem("unsafe", str(error)) from error
    except TemplateSyntaxError as error:
        raise TemplateProblem(
            "syntax", error.message or "The template's syntax is broken."
        ) from error
    except TemplateError as error:
        raise TemplateProblem("render", error.message or str(error)) from error
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
        raise TemplateProblem("render", f"{type(error).__name__}: {error}"[:300]) from error
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()
