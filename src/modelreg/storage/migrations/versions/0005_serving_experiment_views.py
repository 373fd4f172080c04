"""SQL views of serving and experiment entities (frozen specs).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from modelreg.storage.migrations.views import INT, S, ViewSpec, create_views, drop_views

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VIEWS = {
    "serving_environments": ViewSpec(
        "Context", "kf.ServingEnvironment", (("description", "description", S),)
    ),
    "inference_services": ViewSpec(
        "Context",
        "kf.InferenceService",
        (
            ("description", "description", S),
            ("runtime", "runtime", S),
            ("desired_state", "desired_state", S),
            ("model_version_id", "model_version_id", INT),
        ),
        prefixed=True,
        leading=(
            ("serving_environment_id", "serving_environment_id", INT),
            ("registered_model_id", "registered_model_id", INT),
        ),
    ),
    "serve_models": ViewSpec(
        "Execution",
        "kf.ServeModel",
        (("description", "description", S), ("model_version_id", "model_version_id", INT)),
        prefixed=True,
        linked=("kf.InferenceService", "inference_service_id"),
    ),
    "experiments": ViewSpec(
        "Context",
        "kf.Experiment",
        tuple((name, name, S) for name in ("description", "owner", "state")),
    ),
    "experiment_runs": ViewSpec(
        "Context",
        "kf.ExperimentRun",
        tuple(
            (name, name, S)
            for name in (
                "description", "owner", "state", "status", "start_time_since_epoch",
                "end_time_since_epoch",
            )
        ),
        prefixed=True,
        leading=(("experiment_id", "experiment_id", INT),),
    ),
}  # fmt: skip


def upgrade() -> None:
    create_views(VIEWS)


def downgrade() -> None:
    drop_views(list(VIEWS))
