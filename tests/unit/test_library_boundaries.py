"""`src/` reaches libraries through their public doors only.

A private or internal name of a library (a `_module`, a `_attribute`, a class of an
implementation module, the text of a compiler's marker) can move in a patch release and
turn every request into a 500. This walks every module of `src/modelreg` and fails on:

- an import from a module any part of whose dotted name starts with `_`, or of a name
  that starts with `_`, from any package but modelreg itself;
- an import from a library's implementation modules (`INTERNAL_MODULES`);
- an attribute starting with `_` (not a dunder) that no code of ours defines, read by
  `obj._name` or `getattr(obj, "_name")`: it belongs to someone else's object;
- a string that matches a library's internal text (`INTERNAL_TEXT`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "modelreg"
OWN_PACKAGE = "modelreg"

# Modules that hold a library's machinery, not its API: nothing of ours imports from them.
INTERNAL_MODULES = {
    "fastapi.dependencies": "FastAPI's parameter solving (Dependant, solve_dependencies)",
    "fastapi._compat": "FastAPI's pydantic shims",
    "uvicorn.protocols": "uvicorn's protocol implementations",
    "uvicorn.lifespan": "uvicorn's lifespan implementation",
    "starlette._utils": "Starlette's helpers",
    "sqlalchemy.engine.default": "SQLAlchemy's default execution context",
}
# Text that only a library's internals produce; matching it ties us to their format.
INTERNAL_TEXT = ("POSTCOMPILE", "__[")
# Attributes that are machinery although their names do not start with `_`.
INTERNAL_ATTRIBUTES = {
    "positiontup": "SQLAlchemy's compiled parameter order",
    "dispatch": "SQLAlchemy's event dispatch",
    "dependant": "FastAPI's solved parameters of a route",
}
# Members of a library class that are its machinery: (class name, member).
INTERNAL_MEMBERS = {("DBAPIError", "instance"): "SQLAlchemy's own error wrapping"}
# Underscored names that are public API: SQLAlchemy's Row and the named tuple protocol
# put an underscore in front so that column and field names cannot clash with them.
PUBLIC_UNDERSCORED = {"_mapping", "_asdict", "_fields", "_replace", "_make", "_tuple", "_t"}


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _private(name: str) -> bool:
    return name.startswith("_") and not _is_dunder(name)


def _own_names(trees: list[ast.Module]) -> set[str]:
    """Every name our code defines: functions, classes, attributes it assigns, slots,
    class-level fields and parameters."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, ast.Assign) and _assigns_slots(node):
                names.update(_strings(node.value))
    return names


def _assigns_slots(node: ast.Assign) -> bool:
    return any(isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets)


def _strings(node: ast.expr) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _external_module(node: ast.ImportFrom) -> str | None:
    if node.level or node.module is None:
        return None
    return None if node.module.split(".")[0] == OWN_PACKAGE else node.module


def _problems(path: Path, tree: ast.Module, own: set[str]) -> Iterator[str]:
    where = path.relative_to(SRC.parent)
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] != OWN_PACKAGE and any(_private(p) for p in parts):
                    yield f"{line}: imports the private module {alias.name}"
                yield from _internal(line, alias.name)
        elif isinstance(node, ast.ImportFrom) and (module := _external_module(node)):
            if any(_private(part) for part in module.split(".")):
                yield f"{line}: imports from the private module {module}"
            yield from _internal(line, module)
            for alias in node.names:
                if _private(alias.name):
                    yield f"{line}: imports the private name {module}.{alias.name}"
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            if _foreign_private(node.attr, own):
                yield f"{line}: reads {node.attr}, a private attribute of another library"
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if (owner, node.attr) in INTERNAL_MEMBERS:
                yield f"{line}: uses {owner}.{node.attr} ({INTERNAL_MEMBERS[owner, node.attr]})"
            if node.attr in INTERNAL_ATTRIBUTES:
                yield f"{line}: reads {node.attr} ({INTERNAL_ATTRIBUTES[node.attr]})"
        elif isinstance(node, ast.Call) and _is_attribute_lookup(node):
            name = node.args[1]
            assert isinstance(name, ast.Constant)
            if _foreign_private(str(name.value), own):
                yield f"{line}: looks up {name.value!r}, a private attribute of another library"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for text in INTERNAL_TEXT:
                if text in node.value:
                    yield f"{line}: matches {text!r}, a library's internal text"


def _foreign_private(name: str, own: set[str]) -> bool:
    return _private(name) and name not in own and name not in PUBLIC_UNDERSCORED


def _internal(line: str, module: str) -> Iterator[str]:
    for internal, what in INTERNAL_MODULES.items():
        if module == internal or module.startswith(internal + "."):
            yield f"{line}: imports from {module} ({what})"


def _is_attribute_lookup(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    )


def test_src_uses_no_private_or_internal_library_name() -> None:
    paths = _modules()
    trees = [_parse(path) for path in paths]
    own = _own_names(trees)
    problems = [
        p for path, tree in zip(paths, trees, strict=True) for p in _problems(path, tree, own)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from starlette._utils import get_route_path", "private module"),
        ("import fastapi._compat", "private module"),
        ("from fastapi.routing import _effective", "private name"),
        ("from uvicorn.protocols.http.httptools_impl import X", "uvicorn's protocol"),
        ("sock = connection._sock", "private attribute"),
        ("x = getattr(route, '_embed_body_fields', True)", "private attribute"),
        ("if 'POSTCOMPILE' in sql: pass", "internal text"),
        ("order = compiled.positiontup", "parameter order"),
        ("if conn.dispatch.before_cursor_execute: pass", "event dispatch"),
        ("hasattr(connection, '_sock')", "private attribute"),
        ("error = DBAPIError.instance(sql, params, exc)", "error wrapping"),
    ],
)
def test_the_scan_finds_each_kind_of_use(source: str, expected: str) -> None:
    """The scan is not blind: each kind of use is found in a module made for it."""
    tree = ast.parse(source)
    found = list(_problems(SRC / "example.py", tree, own={"connection", "route", "sql"}))
    assert any(expected in problem for problem in found), found


def test_own_private_names_pass() -> None:
    source = (
        "class A:\n"
        "    def __init__(self):\n"
        "        self._conn = 1\n"
        "    def f(self):\n"
        "        return self._conn\n"
    )
    tree = ast.parse(source)
    assert list(_problems(SRC / "example.py", tree, _own_names([tree]))) == []
