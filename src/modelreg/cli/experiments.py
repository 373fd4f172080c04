"""`modelreg experiments`: experiments, their runs, and what the runs logged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .common import session_of, show_list
from .options import list_options, output_option
from .output import Column, emit_one, when

if TYPE_CHECKING:
    from modelreg.client import Registry
    from modelreg.schemas.experiments import Experiment

COLUMNS = [
    Column("ID", lambda e: e.id),
    Column("NAME", lambda e: e.name),
    Column("STATE", lambda e: e.state),
    Column("OWNER", lambda e: e.owner),
    Column("UPDATED (UTC)", lambda e: when(e.last_update_time_since_epoch)),
    Column("DESCRIPTION", lambda e: e.description, wide=True),
]
RUN_COLUMNS = [
    Column("ID", lambda r: r.id),
    Column("NAME", lambda r: r.name),
    Column("STATUS", lambda r: r.status),
    Column("STATE", lambda r: r.state),
    Column("STARTED (UTC)", lambda r: when(r.start_time_since_epoch)),
    Column("ENDED (UTC)", lambda r: when(r.end_time_since_epoch)),
    Column("DESCRIPTION", lambda r: r.description, wide=True),
]


def _content(artifact: Any) -> Any:
    uri = getattr(artifact, "uri", None)
    return uri if uri is not None else getattr(artifact, "value", None)


LOG_COLUMNS = [
    Column("TYPE", lambda a: a.artifact_type),
    Column("NAME", lambda a: a.name),
    Column("STEP", lambda a: getattr(a, "step", None)),
    Column("UPDATED (UTC)", lambda a: when(a.last_update_time_since_epoch)),
    Column("VALUE / URI", _content, wide=True),
]
HISTORY_COLUMNS = [
    Column("STEP", lambda m: m.step),
    Column("VALUE", lambda m: m.value),
    Column("TIMESTAMP (UTC)", lambda m: when(m.timestamp)),
]
KINDS = {"params": "parameter", "metrics": "metric", "datasets": "dataset-artifact"}
EXPERIMENT = click.argument("experiment", metavar="EXPERIMENT")
BY_ID = click.option("--id", "by_id", is_flag=True, help="EXPERIMENT is an id, not a name.")


def lookup(registry: Registry, experiment: str, by_id: bool) -> Experiment:
    if by_id:
        return registry.get_experiment_by_id(experiment)
    return registry.find_experiment(experiment)


def _sort(desc: bool) -> str | None:
    return "DESC" if desc else None


@click.group()
def experiments() -> None:
    """Experiments: list, show, runs, logs."""


@experiments.command("list")
@list_options
@click.pass_context
def list_experiments(
    ctx: click.Context,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """List experiments."""
    registry = session_of(ctx).registry()
    pager = registry.get_experiments(
        filter_query=filter_query, order_by=order_by, sort_order=_sort(desc)
    )
    show_list(pager, COLUMNS, output, limit, "experiments")


@experiments.command()
@EXPERIMENT
@BY_ID
@output_option
@click.pass_context
def show(ctx: click.Context, experiment: str, by_id: bool, output: str) -> None:
    """Show one experiment, by name (or --id)."""
    emit_one(lookup(session_of(ctx).registry(), experiment, by_id), output)


@experiments.command()
@EXPERIMENT
@BY_ID
@list_options
@click.pass_context
def runs(
    ctx: click.Context,
    experiment: str,
    by_id: bool,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """List the runs of EXPERIMENT (a name, or an id with --id)."""
    registry = session_of(ctx).registry()
    found = lookup(registry, experiment, by_id)
    pager = registry.get_experiment_runs(
        found.id, filter_query=filter_query, order_by=order_by, sort_order=_sort(desc)
    )
    show_list(pager, RUN_COLUMNS, output, limit, "runs")


@experiments.command()
@click.argument("experiment", metavar="EXPERIMENT", required=False)
@click.argument("run", metavar="RUN", required=False)
@click.option("--run-id", metavar="ID", help="The run with this id (no EXPERIMENT RUN).")
@click.option("--type", "kind", type=click.Choice(list(KINDS)), help="Only this kind of log.")
@click.option(
    "--history",
    metavar="METRIC",
    help="Every value METRIC took in the run (its metric history), step by step.",
)
@list_options
@click.pass_context
def logs(
    ctx: click.Context,
    experiment: str | None,
    run: str | None,
    run_id: str | None,
    kind: str | None,
    history: str | None,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """Show what RUN of EXPERIMENT (names) or --run-id logged: params, metrics, datasets.

    Metrics show their last value; --history METRIC shows all of them.
    """
    if (run_id is None) == (run is None):
        raise click.UsageError("name the run: EXPERIMENT RUN, or --run-id")
    if history is not None and kind is not None:
        raise click.UsageError("give --history or --type, not both")
    registry = session_of(ctx).registry()
    if run_id is None:
        run_id = registry.find_experiment_run(run, lookup(registry, str(experiment), False).id).id
    options: dict[str, Any] = {
        "filter_query": filter_query,
        "order_by": order_by,
        "sort_order": _sort(desc),
    }
    if history is not None:
        registry.get_experiment_run(run_id)  # NotFound (exit 3) for a missing run
        pager: Any = registry.get_metric_history(run_id, history, **options)
        show_list(pager, HISTORY_COLUMNS, output, limit, f"values of {history!r}")
        return
    kinds = KINDS.get(kind) if kind else None
    pager = registry.get_experiment_run_logs(run_id, artifact_type=kinds, **options)
    show_list(pager, LOG_COLUMNS, output, limit, "logs")
