"""modelreg: a model registry for ML teams, wire-compatible with Kubeflow Model Registry.

The public API, imported on first use so that `import modelreg` stays cheap:

    from modelreg import Registry
    registry = Registry("http://127.0.0.1:8080", author="ada")
    registry.register_model("fraud", "s3://models/fraud/1", version="1.0.0",
                            model_format_name="onnx", model_format_version="1")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from modelreg.client import (
        AsyncPager,
        AsyncRegistry,
        Pager,
        PermissionDenied,
        Registration,
        Registry,
        RegistryHTTPError,
        Unauthenticated,
        from_metadata,
        to_metadata,
    )
    from modelreg.errors import (
        AlreadyExists,
        Conflict,
        InvalidArgument,
        MissingField,
        ModelRegError,
        NotFound,
        Unavailable,
    )
    from modelreg.schemas.artifacts import (
        Artifact,
        DataSet,
        DocArtifact,
        Metric,
        ModelArtifact,
        Parameter,
    )
    from modelreg.schemas.registry import ModelVersion, RegisteredModel

_LAZY = {
    "modelreg.client": (
        "AsyncPager",
        "AsyncRegistry",
        "Pager",
        "PermissionDenied",
        "Registration",
        "Registry",
        "RegistryHTTPError",
        "Unauthenticated",
        "from_metadata",
        "to_metadata",
    ),
    "modelreg.errors": (
        "AlreadyExists",
        "Conflict",
        "InvalidArgument",
        "MissingField",
        "ModelRegError",
        "NotFound",
        "Unavailable",
    ),
    "modelreg.schemas.artifacts": (
        "Artifact",
        "DataSet",
        "DocArtifact",
        "Metric",
        "ModelArtifact",
        "Parameter",
    ),
    "modelreg.schemas.registry": ("ModelVersion", "RegisteredModel"),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "AlreadyExists",
    "Artifact",
    "AsyncPager",
    "AsyncRegistry",
    "Conflict",
    "DataSet",
    "DocArtifact",
    "InvalidArgument",
    "Metric",
    "MissingField",
    "ModelArtifact",
    "ModelRegError",
    "ModelVersion",
    "NotFound",
    "Pager",
    "Parameter",
    "PermissionDenied",
    "RegisteredModel",
    "Registration",
    "Registry",
    "RegistryHTTPError",
    "Unauthenticated",
    "Unavailable",
    "__version__",
    "from_metadata",
    "to_metadata",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'modelreg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
