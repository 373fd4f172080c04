"""Our OpenAPI document against upstream's contract.

The facts checked (upstream's operations and the fields of its entities) are carried in
`upstream_contract.json`, extracted from upstream's OpenAPI document by
`scripts/upstream_contract.py`, so this runs in any clone and fails if the file is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

CONTRACT = Path(__file__).with_name("upstream_contract.json")
PREFIXES = ("/api/model_registry/v1alpha3", "/api/model_registry/v1")
METHODS = ("get", "post", "patch", "put", "delete")


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    assert CONTRACT.exists(), f"{CONTRACT} is missing: run scripts/upstream_contract.py"
    facts: dict[str, Any] = json.loads(CONTRACT.read_text())
    assert facts["operations"] and facts["schemas"], "the contract file lists nothing"
    return facts


def _shape(path: str) -> str:
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))


def _operations(paths: dict[str, Any], prefix: str) -> set[str]:
    return {
        f"{method.upper()} {_shape(path[len(prefix) :])}"
        for path, item in paths.items()
        if path.startswith(prefix + "/")
        for method in METHODS
        if method in item
    }


def test_every_upstream_operation_is_served_under_both_prefixes(
    client: TestClient, upstream: dict[str, Any]
) -> None:
    ours = client.get("/openapi.json").json()["paths"]
    wanted = set(upstream["operations"])
    for prefix in PREFIXES:
        assert sorted(wanted - _operations(ours, prefix)) == [], prefix


def test_upstream_schemas_fields_are_known(client: TestClient, upstream: dict[str, Any]) -> None:
    """Every property upstream puts on an entity is a property of our response model."""
    ours = client.get("/openapi.json").json()["components"]["schemas"]
    for name, fields in upstream["schemas"].items():
        assert name in ours, name
        assert set(fields) <= _properties(ours, name), name


def _properties(schemas: dict[str, Any], name: str) -> set[str]:
    schema = schemas[name]
    found = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if "$ref" in part:
            found |= _properties(schemas, part["$ref"].rsplit("/", 1)[-1])
        found |= set(part.get("properties", {}))
    return found


def test_the_check_sees_a_missing_operation(client: TestClient) -> None:
    """Not blind: an operation we do not serve is reported."""
    ours = client.get("/openapi.json").json()["paths"]
    assert "GET /no_such_collection/{}" not in _operations(ours, PREFIXES[1])
    assert "GET /registered_models/{}" in _operations(ours, PREFIXES[1])
