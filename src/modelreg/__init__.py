"""modelreg: a model registry for ML teams, wire-compatible with Kubeflow Model Registry."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
