from __future__ import annotations

import pytest

from modelreg.domain.filters.ast import And, Comparison, IsNull, Not, Or, Property
from modelreg.domain.filters.parser import parse_filter
from modelreg.errors import InvalidArgument


def cmp(name: str, op: str, value: object, suffix: str | None = None) -> Comparison:
    return Comparison(Property(name, suffix), op, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name='my-model'", cmp("name", "=", "my-model")),
        ('name = "x"', cmp("name", "=", "x")),
        ("accuracy > 0.95", cmp("accuracy", ">", 0.95)),
        ("n >= -3", cmp("n", ">=", -3)),
        ("n < 1e3", cmp("n", "<", 1000.0)),
        ("flag = TRUE", cmp("flag", "=", True)),
        ("flag = false", cmp("flag", "=", False)),
        ("a <> 1", cmp("a", "!=", 1)),
        ("a != 1", cmp("a", "!=", 1)),
        ("framework.string_value = 'pt'", cmp("framework", "=", "pt", "string_value")),
        ("x.INT_VALUE IN (1, 2)", cmp("x", "IN", (1, 2), "int_value")),
        ("project IN ()", cmp("project", "IN", ())),
        ("`mlflow.source.type` = 'nb'", cmp("mlflow.source.type", "=", "nb")),
        ("`custom-metric` > 0.8", cmp("custom-metric", ">", 0.8)),
        ("`odd.name`.double_value > 1", cmp("odd.name", ">", 1, "double_value")),
        ("a.b.c = 1", cmp("a.b.c", "=", 1)),
        ("name = 'it''s'", cmp("name", "=", "it's")),
        ("name = 'it\\'s'", cmp("name", "=", "it's")),
        ('name = "say ""hi"""', cmp("name", "=", 'say "hi"')),
        ("name ILIKE '%PYTORCH%'", cmp("name", "ILIKE", "%PYTORCH%")),
        ("x = 1 -- a comment", cmp("x", "=", 1)),
        ("x IS NULL", IsNull(Property("x"))),
        ("x IS NOT NULL", Not(IsNull(Property("x")))),
        ("x NOT LIKE 'a%'", Not(cmp("x", "LIKE", "a%"))),
        ("x not in ('a')", Not(cmp("x", "IN", ("a",)))),
        ("NOT x = 1", Not(cmp("x", "=", 1))),
        (
            "a = 1 AND b = 2 OR c = 3",
            Or((And((cmp("a", "=", 1), cmp("b", "=", 2))), cmp("c", "=", 3))),
        ),
        (
            "a = 1 AND (b = 2 OR c = 3)",
            And((cmp("a", "=", 1), Or((cmp("b", "=", 2), cmp("c", "=", 3))))),
        ),
        ("   ", None),
        ("", None),
    ],
)
def test_parses(text: str, expected: object) -> None:
    parsed = parse_filter(text)
    if isinstance(parsed, Comparison | IsNull):
        parsed = _strip_positions(parsed)
    assert _strip_positions(parsed) == expected


def _strip_positions(node: object) -> object:
    if isinstance(node, Comparison):
        return Comparison(Property(node.prop.name, node.prop.suffix), node.op, node.value)
    if isinstance(node, IsNull):
        return IsNull(Property(node.prop.name, node.prop.suffix))
    if isinstance(node, Not):
        return Not(_strip_positions(node.operand))  # type: ignore[arg-type]
    if isinstance(node, And | Or):
        return type(node)(tuple(_strip_positions(n) for n in node.operands))  # type: ignore[misc]
    return node


@pytest.mark.parametrize(
    ("text", "position", "hint"),
    [
        ("name = foo", 7, "quotes"),
        ("name =", 6, "quotes"),
        ("(a = 1", 6, ""),
        ("a = 1 b = 2", 6, "AND or OR"),
        ("a ~ 1", 2, "operator"),
        ("a = 'open", 4, "close the quote"),
        ("a", 1, "operator"),
        ("= 1", 0, "backticks"),
        ("a IS 1", 5, ""),
        ("a NOT = 1", 6, ""),
        ("a = 99999999999999999999", 4, ""),
        ("AND = 1", 0, ""),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, hint: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        parse_filter(text)
    assert f"position {position}" in error.value.message
    assert hint in error.value.message


def test_limits() -> None:
    with pytest.raises(InvalidArgument, match="longer"):
        parse_filter("a = 1 OR " * 2000 + "a = 1")
    with pytest.raises(InvalidArgument, match="deeply"):
        parse_filter("(" * 200 + "a = 1" + ")" * 200)
    with pytest.raises(InvalidArgument, match="deeply"):
        parse_filter("NOT " * 200 + "a = 1")
