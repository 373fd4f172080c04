"""Extract the facts our contract test checks from upstream's OpenAPI document.

    python scripts/upstream_contract.py ../shared/reference/kubeflow-model-registry-v1alpha3.yaml

writes `tests/server/upstream_contract.json`: every operation upstream serves (`GET /path`
under its API prefix, path parameters reduced to `{}`), and the property names of each
entity schema. The test reads that file, so it runs in any clone; rerun this script when
upstream's document changes (`--check` says whether the file is still current).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

PREFIX = "/api/model_registry/v1alpha3"
METHODS = ("get", "post", "patch", "put", "delete")
ENTITIES = (
    "RegisteredModel", "ModelVersion", "ModelArtifact", "DocArtifact", "DataSet", "Metric",
    "Parameter", "ServingEnvironment", "InferenceService", "ServeModel", "Experiment",
    "ExperimentRun",
)  # fmt: skip
OUT = Path(__file__).resolve().parents[1] / "tests" / "server" / "upstream_contract.json"


def path_shape(path: str) -> str:
    """The path with every parameter as `{}`: parameter names differ in spelling only."""
    return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))


def properties(schemas: dict[str, Any], name: str) -> set[str]:
    """A schema's property names, through `allOf` and `$ref`."""
    schema = schemas[name]
    found = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if "$ref" in part:
            found |= properties(schemas, part["$ref"].rsplit("/", 1)[-1])
        found |= set(part.get("properties", {}))
    return found


def facts(document: dict[str, Any]) -> dict[str, Any]:
    operations = sorted(
        f"{method.upper()} {path_shape(path[len(PREFIX) :])}"
        for path, item in document["paths"].items()
        if path.startswith(PREFIX)
        for method in METHODS
        if method in item
    )
    schemas = document["components"]["schemas"]
    return {
        "prefix": PREFIX,
        "operations": operations,
        "schemas": {name: sorted(properties(schemas, name)) for name in ENTITIES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="upstream's OpenAPI document (YAML)")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    text = json.dumps(facts(yaml.safe_load(args.spec.read_text())), indent=1) + "\n"
    if args.check:
        current = OUT.read_text() if OUT.exists() else ""
        sys.exit(0 if current == text else f"{OUT} is out of date: rerun without --check")
    OUT.write_text(text)


if __name__ == "__main__":
    main()
