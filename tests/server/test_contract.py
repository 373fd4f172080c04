"""Our OpenAPI document against upstream's contract (reference data in ../shared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "reference"
CONTRACT = UPSTREAM / "kubeflow-model-registry-v1alpha3.yaml"
V1ALPHA3 = "/api/model_registry/v1alpha3"


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    if not CONTRACT.exists():
        pytest.skip(f"upstream contract not found at {CONTRACT}")
    return dict(yaml.safe_load(CONTRACT.read_text()))


def _operations(paths: dict[str, Any], prefix: str) -> set[tuple[str, str]]:
    found = set()
    for path, item in paths.items():
        for method in ("get", "post", "patch", "put", "delete"):
            if method in item and path.startswith(prefix):
                found.add((method, path[len(prefix) :]))
    return found


def _shape(path: str) -> str:
    # path parameter names differ in spelling only; compare the shape
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))


def test_every_upstream_operation_is_served_under_both_prefixes(
    client: TestClient, upstream: dict[str, Any]
) -> None:
    ours = client.get("/openapi.json").json()["paths"]
    wanted = {(m, _shape(p)) for m, p in _operations(upstream["paths"], V1ALPHA3)}
    assert wanted, "the contract lists no operations"
    for prefix in ("/api/model_registry/v1alpha3", "/api/model_registry/v1"):
        served = {(m, _shape(p)) for m, p in _operations(ours, prefix)}
        assert sorted(wanted - served) == [], prefix


def test_upstream_schemas_fields_are_known(client: TestClient, upstream: dict[str, Any]) -> None:
    """Every property upstream puts on an entity is a property of our response model."""
    ours = client.get("/openapi.json").json()["components"]["schemas"]
    theirs = upstream["components"]["schemas"]
    for name in (
        "RegisteredModel", "ModelVersion", "ModelArtifact", "DocArtifact", "DataSet",
        "Metric", "Parameter", "ServingEnvironment", "InferenceService", "ServeModel",
        "Experiment", "ExperimentRun",
    ):  # fmt: skip
        assert name in ours, name
        assert _properties(theirs, name) <= _properties(ours, name), name


def _properties(schemas: dict[str, Any], name: str) -> set[str]:
    schema = schemas[name]
    found = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if "$ref" in part:
            found |= _properties(schemas, part["$ref"].rsplit("/", 1)[-1])
        found |= set(part.get("properties", {}))
    return found
