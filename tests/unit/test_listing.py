"""Filters, order and keyset paging of lists, through the use cases, on every store."""

from __future__ import annotations

from typing import Any

import pytest

from modelreg.domain.filters.ast import Comparison, Property
from modelreg.domain.kinds import ARTIFACT_KINDS, EXPERIMENT_RUN, METRIC
from modelreg.domain.paging import Cursor, ListQuery, encode_token
from modelreg.domain.ports import StorePort
from modelreg.domain.records import Record
from modelreg.domain.values import Stored
from modelreg.errors import InvalidArgument
from modelreg.schemas import experiments as exp
from modelreg.schemas import registry as wire

from .support import Services, artifact, custom, names, query

MODELS: list[dict[str, Any]] = [
    {"name": "alpha", "owner": "ann", "customProperties": custom(acc=0.9, epochs=10, team="red",
                                                                  flag=True)},
    {"name": "beta", "owner": "bob", "externalId": "bx",
     "customProperties": custom(acc=0.5, epochs=3, team="blue", flag=False)},
    {"name": "gamma", "state": "ARCHIVED", "customProperties": custom(acc=0.7, team="Red_1")},
    {"name": "delta", "owner": "ann"},
    {"name": "eps%", "owner": "eve", "customProperties": custom(note="50%")},
]  # fmt: skip


@pytest.fixture
def services(port: StorePort) -> Services:
    made = Services.over(port)
    for fields in MODELS:
        made.models.create_model(wire.RegisteredModelCreate.model_validate(fields))
    return made


def listed(services: Services, **params: Any) -> list[str | None]:
    return names(services.models.list_models(query("rm", **params)))


@pytest.mark.parametrize(
    ("filter_query", "expected"),
    [
        ("owner = 'ann'", ["alpha", "delta"]),
        ("owner != 'ann'", ["beta", "eps%"]),  # no owner: not different, just missing
        ("NOT owner = 'ann'", ["beta", "gamma", "eps%"]),
        ("owner IS NULL", ["gamma"]),
        ("owner IS NOT NULL AND team IS NULL", ["delta", "eps%"]),
        ("acc > 0.6", ["alpha", "gamma"]),
        ("acc > 0", ["alpha", "beta", "gamma"]),  # an integer matches doubles too
        ("acc.double_value <= 0.7", ["beta", "gamma"]),
        ("epochs >= 10", ["alpha"]),
        ("epochs.int_value < 10", ["beta"]),
        ("team LIKE 'red%'", ["alpha"]),
        ("team ILIKE 'red%'", ["alpha", "gamma"]),
        ("team NOT ILIKE 'red%'", ["beta", "delta", "eps%"]),
        (r"team LIKE 'Red\\_%'", ["gamma"]),
        ("team LIKE 'Re__1'", ["gamma"]),
        (r"note LIKE '50\\%'", ["eps%"]),
        (r"name LIKE 'eps\\%'", ["eps%"]),
        ("name LIKE 'eps_'", ["eps%"]),
        ("team IN ('red', 'blue')", ["alpha", "beta"]),
        ("team NOT IN ('red', 'blue')", ["gamma", "delta", "eps%"]),
        ("flag = true", ["alpha"]),
        ("flag = false", ["beta"]),
        ("NOT flag = true", ["beta", "gamma", "delta", "eps%"]),
        ("name = 'alpha' OR epochs < 5", ["alpha", "beta"]),
        ("(owner = 'ann' AND acc > 0.8) OR team = 'blue'", ["alpha", "beta"]),
        ("externalId = 'bx'", ["beta"]),
        ("externalId IS NULL AND owner = 'ann'", ["alpha", "delta"]),
        ("state = 'ARCHIVED'", ["gamma"]),
        ("description IS NULL", ["alpha", "beta", "gamma", "delta", "eps%"]),
    ],
)
def test_filters(services: Services, filter_query: str, expected: list[str]) -> None:
    assert listed(services, filter_query=filter_query) == expected


def test_filter_type_errors(services: Services) -> None:
    for bad in ("epochs.int_value > 1.5", "flag > true", "acc.double_value LIKE 'x'"):
        with pytest.raises(InvalidArgument):
            listed(services, filter_query=bad)


@pytest.mark.parametrize(
    ("order_by", "descending", "expected"),
    [
        ("NAME", False, ["alpha", "beta", "delta", "eps%", "gamma"]),
        ("NAME", True, ["gamma", "eps%", "delta", "beta", "alpha"]),
        ("ID", True, ["eps%", "delta", "gamma", "beta", "alpha"]),
        ("CREATE_TIME", False, ["alpha", "beta", "gamma", "delta", "eps%"]),
        ("CREATE_TIME", True, ["eps%", "delta", "gamma", "beta", "alpha"]),
        # NULL keys come last ascending and first descending; ties go by id
        ("owner", False, ["alpha", "delta", "beta", "eps%", "gamma"]),
        ("owner", True, ["gamma", "eps%", "beta", "delta", "alpha"]),
        ("acc.double_value", False, ["beta", "gamma", "alpha", "delta", "eps%"]),
        ("acc.double_value", True, ["eps%", "delta", "alpha", "gamma", "beta"]),
        ("flag.bool_value", False, ["beta", "alpha", "gamma", "delta", "eps%"]),
        ("externalId", False, ["beta", "alpha", "gamma", "delta", "eps%"]),
    ],
)
@pytest.mark.parametrize("page_size", ["100", "2"])
def test_order_and_pages(
    services: Services, order_by: str, descending: bool, expected: list[str], page_size: str
) -> None:
    params = {"order_by": order_by, "sort_order": "DESC" if descending else "ASC"}
    seen: list[str | None] = []
    token = None
    while True:
        page = services.models.list_models(
            query("rm", page_size=page_size, next_page_token=token, **params)
        )
        seen += names(page)
        assert len(page.records) <= int(page_size)
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert seen == expected


def test_the_last_page_has_no_token(services: Services) -> None:
    assert services.models.list_models(query(page_size="5")).next_page_token == ""
    assert services.models.list_models(query(page_size="4")).next_page_token != ""


def test_pages_with_a_filter(services: Services) -> None:
    params = {"filter_query": "acc > 0", "order_by": "acc.double_value", "page_size": "1"}
    first = services.models.list_models(query("rm", **params))
    second = services.models.list_models(
        query("rm", next_page_token=first.next_page_token, **params)
    )
    assert names(first) + names(second) == ["beta", "gamma"]


def test_tokens_are_checked(services: Services) -> None:
    page = services.models.list_models(query("rm", page_size="2"))
    with pytest.raises(InvalidArgument, match="different query"):
        query("rm", page_size="2", order_by="NAME", next_page_token=page.next_page_token)
    by_id = query("rm")
    for value in ("text", None, 1.5, True):  # no id is any of these
        forged = encode_token(Cursor(1, value), by_id.binding)
        with pytest.raises(InvalidArgument, match="not a token this server issued"):
            services.models.list_models(query("rm", next_page_token=forged))
    by_owner = query("rm", order_by="owner")
    forged = encode_token(Cursor(1, 5), by_owner.binding)
    with pytest.raises(InvalidArgument, match="not a token this server issued"):
        services.models.list_models(query("rm", order_by="owner", next_page_token=forged))


def test_order_by_a_custom_property_needs_its_type(services: Services) -> None:
    with pytest.raises(InvalidArgument, match="add the value type"):
        listed(services, order_by="acc")


def test_a_query_built_by_the_domain(services: Services) -> None:
    """Use cases build list queries of their own (serving's newest live version)."""
    live = ListQuery(
        order_by="NAME", descending=True, filter=Comparison(Property("state"), "=", "LIVE")
    )
    assert names(services.models.list_models(live)) == ["eps%", "delta", "beta", "alpha"]


def test_artifact_columns_and_types(services: Services) -> None:
    model_id = services.models.find_model("alpha", None).id
    version = services.models.create_version(
        model_id, wire.ModelVersionCreate(name="v", registered_model_id=str(model_id))
    )
    for body in (
        artifact(name="m", uri="s3://m", state="LIVE"),
        artifact(artifactType="doc-artifact", name="d", uri="http://d"),
        artifact(artifactType="metric", name="acc", value=0.5),
        artifact(artifactType="parameter", name="lr", value="0.1"),
    ):
        services.artifacts.upsert_into_version(version.id, body)

    def found(filter_query: str) -> list[str | None]:
        page = services.artifacts.list_for_version(version.id, query(filter_query=filter_query))
        return names(page)

    assert found("artifactType = 'doc-artifact'") == ["d"]
    assert found("artifactType IN ('metric', 'parameter')") == ["acc", "lr"]
    assert found("artifactType != 'model-artifact'") == ["d", "acc", "lr"]
    assert found("uri LIKE 's3://%'") == ["m"]
    assert found("uri IS NULL") == ["acc", "lr"]
    assert found("state = 'LIVE'") == ["m"]
    assert found("NOT state = 'LIVE'") == ["d", "acc", "lr"]
    assert found("value > 0.1") == ["acc"]  # a double here, a string on parameters
    assert found("value = '0.1'") == ["lr"]
    with pytest.raises(InvalidArgument, match="unknown artifactType"):
        found("artifactType = 'nope'")
    assert names(services.artifacts.list(query(order_by="NAME"), ARTIFACT_KINDS)) == [
        "acc",
        "d",
        "lr",
        "m",
    ]


def test_epoch_text_compares_as_a_number(port: StorePort) -> None:
    services = Services.over(port)
    experiment = services.experiments.create_experiment(exp.ExperimentCreate(name="e")).id
    for name, start in (("early", "99"), ("mid", "100"), ("late", "1000")):
        body = {"name": name, "experimentId": str(experiment), "startTimeSinceEpoch": start}
        services.experiments.create_run(experiment, exp.ExperimentRunCreate.model_validate(body))
    runs = services.experiments.list_runs(query(filter_query="startTimeSinceEpoch > 99"))
    assert names(runs) == ["mid", "late"]
    runs = services.experiments.list_runs(query(filter_query="startTimeSinceEpoch IN (99, 1000)"))
    assert names(runs) == ["early", "late"]


def test_metric_history_names(port: StorePort) -> None:
    """History names end in `__<ms>`; a metric's name may hold `__` itself."""
    services = Services.over(port)
    experiment = services.experiments.create_experiment(exp.ExperimentCreate(name="e")).id
    body = exp.ExperimentRunCreate(experiment_id=str(experiment))
    run = services.experiments.create_run(experiment, body).id
    for name in ("loss", "loss__a", "loss", "val_loss"):
        services.experiments.upsert_into_run(run, artifact(artifactType="metric", name=name,
                                                           value=1))  # fmt: skip

    def history(**params: Any) -> list[str | None]:
        return names(services.experiments.metric_history(query(**params), run))

    assert history(name="loss") == ["loss", "loss"]
    assert history(name="loss__a") == ["loss__a"]
    assert history(filter_query="name LIKE '%loss'") == ["loss", "loss", "val_loss"]
    assert history(filter_query="name != 'loss'") == ["loss__a", "val_loss"]
    assert history(filter_query="name IN ('loss__a', 'val_loss')") == ["loss__a", "val_loss"]
    with pytest.raises(InvalidArgument, match="metric history names take"):
        history(filter_query="name > 'a'")


def test_epoch_text_sorts_as_a_number(port: StorePort) -> None:
    services = Services.over(port)
    experiment = services.experiments.create_experiment(exp.ExperimentCreate(name="e")).id
    for start in ("99", "100", "1000"):
        body = {"experimentId": str(experiment), "startTimeSinceEpoch": start}
        services.experiments.create_run(experiment, exp.ExperimentRunCreate.model_validate(body))
    runs = services.experiments.list_runs(query(order_by="startTimeSinceEpoch"))
    assert [r.prop("start_time_since_epoch") for r in runs.records] == ["99", "100", "1000"]


# name: stored start; None: no start; text that is no number (upstream's server stores any
# text when a run is created with a start time only) or too long for 64 bits is missing
RUN_STARTS = {
    "a": "1000",
    "b": "99",
    "c": "100",
    "d": None,
    "e": "100",
    "f": "soon",
    "g": "5",
    "h": "1" * 19,
    "i": " 7",
}
BY_START = ["g", "b", "c", "e", "a", "d", "f", "h", "i"]  # missing last, ties by id


@pytest.fixture
def runs(port: StorePort) -> tuple[Services, int]:
    services = Services.over(port)
    experiment = services.experiments.create_experiment(exp.ExperimentCreate(name="e")).id
    for name, start in RUN_STARTS.items():
        body = exp.ExperimentRunCreate(name=name, experiment_id=str(experiment))
        run = services.experiments.create_run(experiment, body).id
        if start is not None:  # as it may be in the database, whatever our API accepts

            def stored(record: Record, start: str = start) -> None:
                record.props["start_time_since_epoch"] = Stored("string_value", start)

            port.update((EXPERIMENT_RUN,), run, stored)
    return services, experiment


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("page_size", ["100", "1", "2", "4"])
@pytest.mark.parametrize("nested", [False, True])
def test_pages_in_epoch_order(
    runs: tuple[Services, int], descending: bool, page_size: str, nested: bool
) -> None:
    services, experiment = runs
    params = {"order_by": "startTimeSinceEpoch", "sort_order": "DESC" if descending else "ASC"}
    seen: list[str | None] = []
    token = None
    while True:
        page = services.experiments.list_runs(
            query("runs", page_size=page_size, next_page_token=token, **params),
            experiment if nested else None,
        )
        seen += names(page)
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert seen == (BY_START[::-1] if descending else BY_START)


@pytest.mark.parametrize(
    ("filter_query", "expected"),
    [
        ("startTimeSinceEpoch > 99", ["a", "c", "e"]),
        ("startTimeSinceEpoch < 7", ["g"]),  # neither "soon" nor " 7" reads as a number
        ("startTimeSinceEpoch = 0", []),
        ("NOT startTimeSinceEpoch >= 99", ["d", "f", "g", "h", "i"]),
        ("startTimeSinceEpoch IS NULL", ["d"]),
    ],
)
def test_epoch_filters_take_text_that_is_no_number_as_missing(
    runs: tuple[Services, int], filter_query: str, expected: list[str]
) -> None:
    services, _ = runs
    assert names(services.experiments.list_runs(query(filter_query=filter_query))) == expected


def test_metric_timestamps_sort_as_numbers(services: Services) -> None:
    for name, stamp in (("x", "1000"), ("y", "99"), ("z", "100")):
        services.artifacts.create(artifact(artifactType="metric", name=name, value=1,
                                           timestamp=stamp))  # fmt: skip
    params = {"order_by": "timestamp", "page_size": "1"}
    seen: list[str | None] = []
    token = None
    while True:
        page = services.artifacts.list(query(next_page_token=token, **params), (METRIC,))
        seen += names(page)
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert seen == ["y", "z", "x"]


@pytest.mark.parametrize(
    ("order_by", "descending", "expected"),
    [
        ("artifactType", False, ["m", "m2", "d", "acc"]),  # in type id order, ties by id
        ("artifactType", True, ["acc", "d", "m2", "m"]),
        ("state", False, ["m", "m2", "d", "acc"]),  # LIVE before DELETED, then no state
        ("state", True, ["acc", "d", "m2", "m"]),
        ("uri", False, ["d", "m", "m2", "acc"]),
    ],
)
@pytest.mark.parametrize("page_size", ["1", "3"])
def test_pages_in_artifact_column_order(
    services: Services, order_by: str, descending: bool, expected: list[str], page_size: str
) -> None:
    services.artifacts.create(artifact(name="m", uri="s3://m", state="LIVE"))
    services.artifacts.create(artifact(artifactType="doc-artifact", name="d", uri="http://d"))
    services.artifacts.create(artifact(artifactType="metric", name="acc", value=0.5))
    services.artifacts.create(artifact(name="m2", uri="s3://n", state="DELETED"))
    params = {"order_by": order_by, "sort_order": "DESC" if descending else "ASC"}
    seen: list[str | None] = []
    token = None
    while True:
        page = services.artifacts.list(query(page_size=page_size, next_page_token=token, **params))
        seen += names(page)
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert seen == expected


def test_pages_in_artifact_type_order(services: Services) -> None:
    services.artifacts.create(artifact(name="m"))
    services.artifacts.create(artifact(artifactType="doc-artifact", name="d"))
    params = {"order_by": "artifactType", "page_size": "1"}
    first = services.artifacts.list(query(**params))
    second = services.artifacts.list(query(next_page_token=first.next_page_token, **params))
    assert names(first) + names(second) == ["m", "d"]
