"""Metadata values as the REST API takes them, and sample entities made of them."""

from __future__ import annotations

import base64
from typing import Any


def s(v: str) -> dict[str, Any]:
    return {"metadataType": "MetadataStringValue", "string_value": v}


def i(v: int) -> dict[str, Any]:
    return {"metadataType": "MetadataIntValue", "int_value": str(v)}


def d(v: float) -> dict[str, Any]:
    return {"metadataType": "MetadataDoubleValue", "double_value": v}


def b(v: bool) -> dict[str, Any]:
    return {"metadataType": "MetadataBoolValue", "bool_value": v}


MODELS = {
    "alpha": {
        "owner": "ann",
        "customProperties": {
            "framework": s("pytorch"),
            "epochs": i(10),
            "accuracy": d(0.91),
            "prod": b(True),
            "mlflow.source.type": s("notebook"),
        },
    },
    "beta": {
        "owner": "bob",
        "state": "ARCHIVED",
        "customProperties": {
            "framework": s("tensorflow"),
            "epochs": i(20),
            "accuracy": d(0.97),
            "prod": b(False),
        },
    },
    "Gamma's": {
        "owner": "ann",
        "description": "NLP model",
        "customProperties": {
            "framework": s("PyTorch"),
            "accuracy": d(0.5),
            "custom-metric": d(0.85),
        },
    },
    "delta_100%": {"customProperties": {"epochs": i(5)}},
}

EVERY_KIND = {
    "s": {"metadataType": "MetadataStringValue", "string_value": "text ✓"},
    "i": {"metadataType": "MetadataIntValue", "int_value": "-9223372036854775808"},
    "d": {"metadataType": "MetadataDoubleValue", "double_value": 0.1},
    "b": {"metadataType": "MetadataBoolValue", "bool_value": False},
    "st": {
        "metadataType": "MetadataStructValue",
        "struct_value": base64.b64encode(b'{"k":[1,2.5,"x",null,true],"n":{"m":{}}}').decode(),
    },
    "p": {
        "metadataType": "MetadataProtoValue",
        "type": "type.googleapis.com/google.protobuf.StringValue",
        "proto_value": base64.b64encode(b"\n\x02hi").decode(),
    },
}
