"""The logical entities and how each maps onto MLMD rows (upstream-api.md section 7.2).

A `Kind` says which MLMD table holds the entity, its type name, and which wire fields are
stored as built-in property rows (and in which typed column). Everything generic (codec,
storage, listing) is driven by these tables, so a new entity is a new `Kind`, not new code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from modelreg.errors import NotFound

from .values import ValueColumn


class Table(StrEnum):
    CONTEXT = "context"
    ARTIFACT = "artifact"
    EXECUTION = "execution"


Codec = Literal["text", "id", "double", "int", "strlist", "enum", "epoch"]
"""How a wire field is stored. `epoch`: epoch milliseconds kept as text (as upstream does),
validated as an integer on the way in and compared as a number in filters."""

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
    suffixed: bool = False  # the stored name ends in `__<ms>` (metric history)
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
        Prop("timestamp", "timestamp", codec="epoch"),
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

METRIC_HISTORY = Kind(
    key="metric_history",
    type_name="kf.MetricHistory",
    table=Table.ARTIFACT,
    label="metric history entry",
    artifact_type="metric",
    props=METRIC.props,
    prefixed=True,
    suffixed=True,
)

SERVING_ENVIRONMENT = Kind(
    key="serving_environment",
    type_name="kf.ServingEnvironment",
    table=Table.CONTEXT,
    label="serving environment",
    props=_text("description"),
)

INFERENCE_SERVICE = Kind(
    key="inference_service",
    type_name="kf.InferenceService",
    table=Table.CONTEXT,
    label="inference service",
    props=(
        *_text("description", "runtime"),
        Prop("desired_state", "desired_state", codec="enum"),
        Prop("registered_model_id", "registered_model_id", "int_value", "id"),
        Prop("serving_environment_id", "serving_environment_id", "int_value", "id"),
        Prop("model_version_id", "model_version_id", "int_value", "id"),
    ),
    prefixed=True,
    defaults={"desired_state": "DEPLOYED"},
)

SERVE_MODEL = Kind(
    key="serve_model",
    type_name="kf.ServeModel",
    table=Table.EXECUTION,
    label="serve model",
    props=(*_text("description"), Prop("model_version_id", "model_version_id", "int_value", "id")),
    prefixed=True,
)

EXPERIMENT = Kind(
    key="experiment",
    type_name="kf.Experiment",
    table=Table.CONTEXT,
    label="experiment",
    props=_text("description", "owner", "state"),
    defaults={"state": "LIVE"},
)

EXPERIMENT_RUN = Kind(
    key="experiment_run",
    type_name="kf.ExperimentRun",
    table=Table.CONTEXT,
    label="experiment run",
    props=(
        *_text("description", "owner", "state", "status"),
        Prop("start_time_since_epoch", "start_time_since_epoch", codec="epoch"),
        Prop("end_time_since_epoch", "end_time_since_epoch", codec="epoch"),
        Prop("experiment_id", "experiment_id", "int_value", "id"),
    ),
    prefixed=True,
    defaults={"state": "LIVE", "status": "RUNNING"},
)

ARTIFACT_KINDS: tuple[Kind, ...] = (MODEL_ARTIFACT, DOC_ARTIFACT, DATASET, METRIC, PARAMETER)
ARTIFACT_KIND_BY_TYPE: dict[str, Kind] = {k.artifact_type or "": k for k in ARTIFACT_KINDS}
ALL_KINDS: tuple[Kind, ...] = (
    REGISTERED_MODEL,
    MODEL_VERSION,
    *ARTIFACT_KINDS,
    METRIC_HISTORY,
    SERVING_ENVIRONMENT,
    INFERENCE_SERVICE,
    SERVE_MODEL,
    EXPERIMENT,
    EXPERIMENT_RUN,
)
KIND_BY_TYPE_NAME: dict[str, Kind] = {k.type_name: k for k in ALL_KINDS}

# Custom property names that upstream reserves on artifacts linked to an experiment run:
# shown as top-level fields, never inside customProperties.
HIDDEN_CUSTOM = frozenset({"experiment_id", "experiment_run_id"})


def missing(kinds: Sequence[Kind], entity_id: int) -> NotFound:
    """The error for an id that names no entity of these kinds."""
    return NotFound(f"no {kinds[0].label if len(kinds) == 1 else 'artifact'} with id {entity_id}")
