"""The logical entities and how each maps onto MLMD rows (upstream-api.md section 7.2).

A `Kind` says which MLMD table holds the entity, its type name, and which wire fields are
stored as built-in property rows (and in which typed column). Everything generic (codec,
storage, listing) is driven by these tables, so a new entity is a new `Kind`, not new code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .values import ValueColumn


class Table(StrEnum):
    CONTEXT = "context"
    ARTIFACT = "artifact"
    EXECUTION = "execution"


Codec = Literal["text", "id", "double", "int", "strlist", "enum"]

# MLMD TypeProperty.data_type codes.
DATA_TYPES: dict[ValueColumn, int] = {
    "int_value": 1,
    "double_value": 2,
    "string_value": 3,
    "proto_value": 5,
    "bool_value": 6,
}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Prop:
    """A wire field stored as a built-in (non-custom) property row."""

    field: str
    name: str
    column: ValueColumn = "string_value"
    codec: Codec = "text"
    alias: str = ""

    def __post_init__(self) -> None:
        if not self.alias:
            # the JSON key: camelCase of the storage name (data_schema is stored as "schema")
            object.__setattr__(self, "alias", _camel(self.name))


def _text(*names: str) -> tuple[Prop, ...]:
    return tuple(Prop(n, n) for n in names)


@dataclass(frozen=True)
class Kind:
    key: str
    type_name: str
    table: Table
    label: str
    props: tuple[Prop, ...] = ()
    artifact_type: str | None = None
    prefixed: bool = False
    defaults: dict[str, str] = field(default_factory=dict)
    prop_by_field: dict[str, Prop] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prop_by_field", {p.field: p for p in self.props})

    def __hash__(self) -> int:
        return hash(self.key)


REGISTERED_MODEL = Kind(
    key="registered_model",
    type_name="kf.RegisteredModel",
    table=Table.CONTEXT,
    label="registered model",
    props=(
        *_text("description", "owner", "state", "readme", "maturity", "provider", "logo"),
        *_text("license", "license_link", "library_name"),
        Prop("language", "language", codec="strlist"),
        Prop("tasks", "tasks", codec="strlist"),
    ),
    defaults={"state": "LIVE"},
)

MODEL_VERSION = Kind(
    key="model_version",
    type_name="kf.ModelVersion",
    table=Table.CONTEXT,
    label="model version",
    props=(
        *_text("description", "state", "author"),
        Prop("registered_model_id", "registered_model_id", "int_value", "id"),
    ),
    prefixed=True,
    defaults={"state": "LIVE"},
)

MODEL_ARTIFACT = Kind(
    key="model_artifact",
    type_name="kf.ModelArtifact",
    table=Table.ARTIFACT,
    label="model artifact",
    artifact_type="model-artifact",
    props=_text(
        "description",
        "model_format_name",
        "model_format_version",
        "storage_key",
        "storage_path",
        "service_account_name",
        "model_source_kind",
        "model_source_class",
        "model_source_group",
        "model_source_id",
        "model_source_name",
    ),
    prefixed=True,
)

DOC_ARTIFACT = Kind(
    key="doc_artifact",
    type_name="kf.DocArtifact",
    table=Table.ARTIFACT,
    label="doc artifact",
    artifact_type="doc-artifact",
    props=_text("description"),
    prefixed=True,
)

DATASET = Kind(
    key="dataset",
    type_name="kf.DataSet",
    table=Table.ARTIFACT,
    label="dataset",
    artifact_type="dataset-artifact",
    props=(
        *_text("description", "digest", "source_type", "source"),
        Prop("data_schema", "schema"),
        *_text("profile"),
    ),
    prefixed=True,
)

METRIC = Kind(
    key="metric",
    type_name="kf.Metric",
    table=Table.ARTIFACT,
    label="metric",
    artifact_type="metric",
    props=(
        *_text("description"),
        Prop("value", "value", "double_value", "double"),
        *_text("timestamp"),
        Prop("step", "step", "int_value", "int"),
    ),
    prefixed=True,
)

PARAMETER = Kind(
    key="parameter",
    type_name="kf.Parameter",
    table=Table.ARTIFACT,
    label="parameter",
    artifact_type="parameter",
    props=(*_text("description", "value"), Prop("parameter_type", "parameter_type", codec="enum")),
    prefixed=True,
)

ARTIFACT_KINDS: tuple[Kind, ...] = (MODEL_ARTIFACT, DOC_ARTIFACT, DATASET, METRIC, PARAMETER)
ARTIFACT_KIND_BY_TYPE: dict[str, Kind] = {k.artifact_type or "": k for k in ARTIFACT_KINDS}
ALL_KINDS: tuple[Kind, ...] = (REGISTERED_MODEL, MODEL_VERSION, *ARTIFACT_KINDS)
KIND_BY_TYPE_NAME: dict[str, Kind] = {k.type_name: k for k in ALL_KINDS}

# Custom property names that upstream reserves on artifacts linked to an experiment run:
# shown as top-level fields, never inside customProperties.
HIDDEN_CUSTOM = frozenset({"experiment_id", "experiment_run_id"})
