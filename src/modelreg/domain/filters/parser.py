"""Lexer and recursive-descent parser for filterQuery (upstream-api.md section 6).

    expr       := or
    or         := and { OR and }
    and        := unary { AND unary }
    unary      := NOT unary | "(" expr ")" | predicate
    predicate  := property ( op value
                           | [NOT] (LIKE | ILIKE) value
                           | [NOT] IN "(" [ value { "," value } ] ")"
                           | IS [NOT] NULL )
    property   := ( Ident { "." Ident } | `escaped` ) [ "." type_suffix ]
    value      := 'string' | "string" | integer | float | TRUE | FALSE

Beyond upstream: NOT, IS [NOT] NULL, NOT LIKE/ILIKE/IN, and a doubled quote inside a
string stands for one quote (upstream only knows backslash escapes, which work too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from modelreg.errors import InvalidArgument

from .ast import And, Comparison, Expr, IsNull, Not, Operator, Or, Property, TypeSuffix, Value

MAX_FILTER_LENGTH = 8192
MAX_DEPTH = 64
INT64 = 2**63
TYPE_SUFFIXES = ("string_value", "int_value", "double_value", "bool_value")
KEYWORDS = {"AND", "OR", "NOT", "LIKE", "ILIKE", "IN", "IS", "NULL", "TRUE", "FALSE"}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|--[^\n]*)
  | (?P<float>[-+]?(?:\d*\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+))
  | (?P<int>[-+]?\d+)
  | (?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
  | (?P<escaped>`(?:[^`\\]|\\.)*`)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>>=|<=|!=|<>|==|=|>|<)
  | (?P<punct>[().,])
    """,
    re.VERBOSE | re.DOTALL,
)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        upper = self.text.upper()
        return upper if self.kind == "ident" and upper in KEYWORDS else None


def _fail(message: str, position: int, hint: str = "") -> InvalidArgument:
    text = f"invalid filterQuery at position {position}: {message}"
    return InvalidArgument(f"{text}. Hint: {hint}" if hint else text)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            hint = "strings need quotes" if char.isalpha() else "check the operator"
            if char in "'\"`":
                hint = "close the quote"
            raise _fail(f"unexpected character {char!r}", position, hint)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _string_value(token: Token) -> str:
    quote = token.text[0]
    body = token.text[1:-1].replace(quote * 2, quote)
    return _UNESCAPE.sub(r"\1", body)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept_keyword(self, *words: str) -> str | None:
        keyword = self.current.keyword
        if keyword in words:
            self.advance()
            return keyword
        return None

    def expect_punct(self, char: str) -> None:
        if self.current.kind != "punct" or self.current.text != char:
            raise _fail(f"expected {char!r}, found {self._describe()}", self.current.position)
        self.advance()

    def _describe(self) -> str:
        token = self.current
        return "the end of the filter" if token.kind == "end" else repr(token.text)

    def parse(self) -> Expr:
        expr = self.parse_or()
        if self.current.kind != "end":
            raise _fail(
                f"unexpected {self._describe()}",
                self.current.position,
                "join conditions with AND or OR",
            )
        return expr

    def parse_or(self) -> Expr:
        operands = [self.parse_and()]
        while self.accept_keyword("OR"):
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Expr:
        operands = [self.parse_unary()]
        while self.accept_keyword("AND"):
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail("nested too deeply", self.current.position)
        try:
            if self.accept_keyword("NOT"):
                return Not(self.parse_unary())
            if self.current.kind == "punct" and self.current.text == "(":
                self.advance()
                expr = self.parse_or()
                self.expect_punct(")")
                return expr
            return self.parse_predicate()
        finally:
            self.depth -= 1

    def parse_property(self) -> Property:
        token = self.current
        if token.kind == "escaped":
            self.advance()
            parts = [_UNESCAPE.sub(r"\1", token.text[1:-1])]
        elif token.kind == "ident" and token.keyword is None:
            self.advance()
            parts = [token.text]
        else:
            raise _fail(
                f"expected a property name, found {self._describe()}",
                token.position,
                "quote names with special characters in backticks, e.g. `my-prop`",
            )
        while self.current.kind == "punct" and self.current.text == ".":
            self.advance()
            if self.current.kind != "ident":
                raise _fail("expected a name after '.'", self.current.position)
            parts.append(self.advance().text)
        name = ".".join(parts)
        head, _, last = name.rpartition(".")
        if head and last.lower() in TYPE_SUFFIXES:
            return Property(head, cast(TypeSuffix, last.lower()), token.position)
        return Property(name, None, token.position)

    def parse_value(self) -> Value:
        token = self.current
        keyword = token.keyword
        if keyword in ("TRUE", "FALSE"):
            self.advance()
            return keyword == "TRUE"
        if token.kind == "string":
            self.advance()
            return _string_value(token)
        if token.kind in ("int", "float"):
            self.advance()
            if token.kind == "float":
                return float(token.text)
            number = int(token.text)
            if not -INT64 <= number < INT64:
                raise _fail(f"integer {token.text} is out of the 64-bit range", token.position)
            return number
        raise _fail(
            f"expected a value, found {self._describe()}",
            token.position,
            "strings need quotes, e.g. name = 'my-model'",
        )

    def parse_predicate(self) -> Expr:
        prop = self.parse_property()
        if self.accept_keyword("IS"):
            negated = self.accept_keyword("NOT") is not None
            if not self.accept_keyword("NULL"):
                raise _fail("expected NULL after IS", self.current.position)
            return Not(IsNull(prop)) if negated else IsNull(prop)
        negated = self.accept_keyword("NOT") is not None
        keyword = self.accept_keyword("LIKE", "ILIKE", "IN")
        if keyword is None and negated:
            raise _fail("expected LIKE, ILIKE or IN after NOT", self.current.position)
        if keyword == "IN":
            expr: Expr = Comparison(prop, "IN", self.parse_list())
        elif keyword is not None:
            expr = Comparison(prop, cast(Operator, keyword), self.parse_value())
        else:
            if self.current.kind != "op":
                raise _fail(
                    f"expected an operator after {prop.name!r}, found {self._describe()}",
                    self.current.position,
                    "use =, !=, <, <=, >, >=, LIKE, ILIKE, IN or IS NULL",
                )
            text = self.advance().text
            op = {"<>": "!=", "==": "="}.get(text, text)
            expr = Comparison(prop, cast(Operator, op), self.parse_value())
        return Not(expr) if negated else expr

    def parse_list(self) -> tuple[Value, ...]:
        self.expect_punct("(")
        values: list[Value] = []
        if not (self.current.kind == "punct" and self.current.text == ")"):
            values.append(self.parse_value())
            while self.current.kind == "punct" and self.current.text == ",":
                self.advance()
                values.append(self.parse_value())
        self.expect_punct(")")
        return tuple(values)


def parse_property(text: str) -> Property:
    """A lone property reference, as `orderBy` takes it (`provider`, `acc.double_value`)."""
    parser = _Parser(tokenize(text))
    prop = parser.parse_property()
    if parser.current.kind != "end":
        raise _fail(f"unexpected {parser._describe()}", parser.current.position)
    return prop


def parse_filter(text: str | None) -> Expr | None:
    """Parse a filterQuery; None for an empty one. Syntax errors are InvalidArgument."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidArgument(f"filterQuery is longer than {MAX_FILTER_LENGTH} characters")
    return _Parser(tokenize(text)).parse()
