"""The enumerations of the wire contract."""

from __future__ import annotations

from enum import StrEnum


class ContextState(StrEnum):
    """State of a registered model, model version, experiment or run."""

    LIVE = "LIVE"
    ARCHIVED = "ARCHIVED"


class ArtifactState(StrEnum):
    """State of an artifact; stored as its position (0..6) in the MLMD `state` column."""

    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    LIVE = "LIVE"
    MARKED_FOR_DELETION = "MARKED_FOR_DELETION"
    DELETED = "DELETED"
    ABANDONED = "ABANDONED"
    REFERENCE = "REFERENCE"


class ParameterType(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    OBJECT = "object"


class ArtifactType(StrEnum):
    """The `artifactType` discriminator and query parameter."""

    MODEL = "model-artifact"
    DOC = "doc-artifact"
    DATASET = "dataset-artifact"
    METRIC = "metric"
    PARAMETER = "parameter"


class ExecutionState(StrEnum):
    """Last known state of a serve model; stored as its position (0..6)."""

    UNKNOWN = "UNKNOWN"
    NEW = "NEW"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    CACHED = "CACHED"
    CANCELED = "CANCELED"


class InferenceServiceState(StrEnum):
    DEPLOYED = "DEPLOYED"
    UNDEPLOYED = "UNDEPLOYED"


class ExperimentRunStatus(StrEnum):
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"
