"""SQL views: one per logical entity, one column per built-in property (frozen specs).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from modelreg.storage.migrations.views import INT, D, S, ViewSpec, create_views, drop_views

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _text(*names: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((name, name, S) for name in names)


IN_VERSION = ("kf.ModelVersion", "model_version_id")
VIEWS = {
    "registered_models": ViewSpec(
        "Context",
        "kf.RegisteredModel",
        _text(
            "description", "owner", "state", "readme", "maturity", "provider", "logo",
            "license", "license_link", "library_name",
        ),
    ),
    "model_versions": ViewSpec(
        "Context",
        "kf.ModelVersion",
        _text("description", "state", "author"),
        prefixed=True,
        leading=(("registered_model_id", "registered_model_id", INT),),
    ),
    "model_artifacts": ViewSpec(
        "Artifact",
        "kf.ModelArtifact",
        _text(
            "description", "model_format_name", "model_format_version", "storage_key",
            "storage_path", "service_account_name", "model_source_kind", "model_source_class",
            "model_source_group", "model_source_id", "model_source_name",
        ),
        prefixed=True,
        linked=IN_VERSION,
    ),
    "doc_artifacts": ViewSpec(
        "Artifact", "kf.DocArtifact", _text("description"), prefixed=True, linked=IN_VERSION
    ),
    "datasets": ViewSpec(
        "Artifact",
        "kf.DataSet",
        _text("description", "digest", "source_type", "source", "schema", "profile"),
        prefixed=True,
        linked=IN_VERSION,
    ),
    "metrics": ViewSpec(
        "Artifact",
        "kf.Metric",
        (*_text("description"), ("value", "value", D), *_text("timestamp"), ("step", "step", INT)),
        prefixed=True,
        linked=IN_VERSION,
    ),
    "parameters": ViewSpec(
        "Artifact",
        "kf.Parameter",
        _text("description", "value", "parameter_type"),
        prefixed=True,
        linked=IN_VERSION,
    ),
}  # fmt: skip


def upgrade() -> None:
    create_views(VIEWS)


def downgrade() -> None:
    drop_views(list(VIEWS))
