"""Helpers of the use-case tests: wire bodies from JSON, list queries, and the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter

from modelreg.domain.artifacts import ArtifactService
from modelreg.domain.experiments import ExperimentService
from modelreg.domain.models import ModelService
from modelreg.domain.paging import ListQuery, build_list_query
from modelreg.domain.ports import StorePort
from modelreg.domain.records import Page, Record
from modelreg.domain.serving import ServingService
from modelreg.schemas import artifacts as art


@dataclass
class Services:
    models: ModelService
    artifacts: ArtifactService
    experiments: ExperimentService
    serving: ServingService

    @classmethod
    def over(cls, store: StorePort) -> Services:
        return cls(
            ModelService(store),
            ArtifactService(store),
            ExperimentService(store),
            ServingService(store),
        )


def artifact(**fields: Any) -> BaseModel:
    """An `ArtifactBody` (the polymorphic upsert body) from its JSON fields."""
    fields.setdefault("artifactType", "model-artifact")
    body: BaseModel = TypeAdapter(art.ArtifactBody).validate_python(fields)
    return body


def custom(**values: Any) -> dict[str, Any]:
    """`customProperties` JSON: strings, ints, floats and bools by their Python type."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, bool):
            out[name] = {"metadataType": "MetadataBoolValue", "bool_value": value}
        elif isinstance(value, int):
            out[name] = {"metadataType": "MetadataIntValue", "int_value": str(value)}
        elif isinstance(value, float):
            out[name] = {"metadataType": "MetadataDoubleValue", "double_value": value}
        else:
            out[name] = {"metadataType": "MetadataStringValue", "string_value": value}
    return out


def query(scope: str = "test", **params: Any) -> ListQuery:
    """`build_list_query` with the REST parameter names in snake case."""
    return build_list_query(scope=scope, **params)


def names(page: Page | list[Record]) -> list[str | None]:
    records = page.records if isinstance(page, Page) else page
    return [r.display_name for r in records]
