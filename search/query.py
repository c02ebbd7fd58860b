"""The user's query language, parsed once into a small tree that each backend compiles.

Words, "exact phrases", prefixes (`contr*`), AND / OR / NOT (also `&&`, `||`, `-word`) and
parentheses; words side by side must all match. A query that does not parse (an unbalanced
parenthesis, a dangling operator, an open quote) is read literally: its plain words, all
required. Only a query too long or too complex answers 400.
"""

import re
from dataclasses import dataclass

from core.errors import Invalid

MAX_QUERY_CHARS = 1000
MAX_LEAVES = 64
MAX_DEPTH = 16

_TOKEN = re.compile(r'"[^"]*"|\(|\)|&&|\|\||[^\s()"]+|"')
_WORD_CHARACTERS = re.compile(r"\w+(?:[-./]\w+)*")
_OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Word | Phrase | Prefix | And | Or | Not
Leaf = Word | Phrase | Prefix


class _Malformed(Exception):
    pass


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        lexeme = self.tokens[self.position]
        self.position += 1
        return lexeme

    def parse(self) -> Node:
        node = self.disjunction()
        if self.peek() is not None:
            raise _Malformed
        return node

    def disjunction(self) -> Node:
        items = [self.conjunction()]
        while self.peek() in ("OR", "||"):
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Node:
        items = [self.unary()]
        while True:
            lexeme = self.peek()
            if lexeme in ("AND", "&&"):
                self.take()
                items.append(self.unary())
            elif lexeme is not None and lexeme not in ("OR", "||", ")"):
                items.append(self.unary())
            else:
                break
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        lexeme = self.peek()
        if lexeme == "NOT":
            self.take()
            return Not(self.unary())
        if lexeme is not None and lexeme.startswith("-") and len(lexeme) > 1:
            self.tokens[self.position] = lexeme[1:]
            return Not(self.primary())
        if lexeme is not None and lexeme.startswith("+") and len(lexeme) > 1:
            self.tokens[self.position] = lexeme[1:]
        return self.primary()

    def primary(self) -> Node:
        lexeme = self.peek()
        if lexeme is None or lexeme in _OPERATORS or lexeme == ")":
            raise _Malformed
        self.take()
        if lexeme == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise Invalid({"q": ["The query nests too deeply."]})
            node = self.disjunction()
            if self.peek() != ")":
                raise _Malformed
            self.take()
            self.depth -= 1
            return node
        if lexeme == '"':
            raise _Malformed
        if lexeme.startswith('"'):
            words = _WORD_CHARACTERS.findall(lexeme[1:-1])
            if not words:
                raise _Malformed
            return Phrase(" ".join(words)) if len(words) > 1 else Word(words[0])
        return _term(lexeme)


def _term(lexeme: str) -> Node:
    is_prefix = lexeme.endswith("*")
    words = _WORD_CHARACTERS.findall(lexeme)
    if not words:
        raise _Malformed
    text = "-".join(words) if len(words) > 1 else words[0]
    if is_prefix and len(words) == 1:
        return Prefix(text)
    return Word(text)


def parse_query(raw: str) -> Node | None:
    """The query tree, or None for an empty query (every visible document)."""
    raw = (raw or "").strip()
    if len(raw) > MAX_QUERY_CHARS:
        raise Invalid({"q": [f"The query is longer than {MAX_QUERY_CHARS} characters."]})
    if not raw:
        return None
    tokens = _TOKEN.findall(raw)
    try:
        node = _Parser(tokens).parse()
    except (_Malformed, IndexError):
        node = _literal(raw)
    if len(leaves(node, positive_only=False)) > MAX_LEAVES:
        raise Invalid({"q": [f"The query has more than {MAX_LEAVES} terms."]})
    return node


def _literal(raw: str) -> Node:
    """The plain words of a query that did not parse, all required."""
    words = [
        Word(word)
        for word in _WORD_CHARACTERS.findall(raw)
        if word not in _OPERATORS and word.strip("_")
    ]
    if not words:
        # Nothing searchable: an empty disjunction, which no document matches.
        return Or(())
    return words[0] if len(words) == 1 else And(tuple(words))


def leaves(node: Node | None, *, positive_only: bool = True) -> list[Leaf]:
    """The words, phrases and prefixes of a query; with `positive_only`, not the negated ones."""
    if node is None:
        return []
    if isinstance(node, Word | Phrase | Prefix):
        return [node]
    if isinstance(node, Not):
        return [] if positive_only else leaves(node.item, positive_only=False)
    return [leaf for item in node.items for leaf in leaves(item, positive_only=positive_only)]


def fuzziness(word: str) -> int:
    """Edit distance allowed for a fuzzy word, as Elasticsearch's AUTO: 0, 1 or 2."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2
