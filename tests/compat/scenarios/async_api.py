"""The lower-level pieces register_model is built from, driven directly.

- a user-supplied `async_runner` (the constructor hook) instead of nest_asyncio;
- the private async steps `_register_model`, `_register_new_version`,
  `_register_model_artifact`, and the `ModelRegistryAPIClient` (`registry._api`);
- artifacts of other types in a version, standalone model artifacts, linking one artifact
  into a second version, an async Pager;
- the generated client's `*_with_http_info` calls: status codes and the deprecation
  headers that only v1alpha3 responses carry.
"""

from __future__ import annotations

import asyncio
from typing import Any

from _support import Scenario, run
from model_registry.types import (
    ArtifactState,
    DocArtifact,
    ListOptions,
    ModelArtifact,
    ModelVersion,
    Pager,
    RegisteredModel,
)


class Runner:
    """A runner of our own: one private event loop, counting what it ran."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.calls = 0

    def run(self, coro: Any) -> Any:  # the client accepts only functions and bound methods
        self.calls += 1
        return self.loop.run_until_complete(coro)


def register_in_steps(s: Scenario, registry: Any, runner: Runner) -> dict[str, Any]:
    name = s.uid("steps")
    rm = runner.run(registry._register_model(name, owner="step-owner", description="rm desc"))
    s.eq((rm.name, rm.owner, rm.description), (name, "step-owner", "rm desc"), "step 1: model")
    same = runner.run(registry._register_model(name, owner="ignored"))
    s.eq(same.id, rm.id, "step 1 again returns the existing model")
    s.eq(same.owner, "step-owner", "... unchanged")

    mv = runner.run(
        registry._register_new_version(
            rm, "1", "step-author", description="mv desc", custom_properties={"n": 1, "x": 0.5}
        )
    )
    s.eq((mv.name, mv.author, mv.registered_model_id), ("1", "step-author", rm.id), "step 2")
    s.eq(dict(mv.custom_properties), {"n": 1, "x": 0.5}, "step 2: custom properties")

    ma = runner.run(
        registry._register_model_artifact(
            mv,
            name,
            "s3://b/steps",
            model_format_name="sk",
            model_format_version="1",
            storage_key="k",
            state=ArtifactState.LIVE,
            custom_properties={"tag": "a"},
        )
    )
    s.ok(isinstance(ma, ModelArtifact), f"step 3 returns a ModelArtifact, not {type(ma)}")
    s.eq((ma.uri, ma.state, ma.storage_key), ("s3://b/steps", ArtifactState.LIVE, "k"), "step 3")
    s.eq(dict(ma.custom_properties), {"tag": "a"}, "step 3: custom properties")
    s.eq(registry.get_model_artifact(name, "1").id, ma.id, "the public getter finds it")
    return {"rm": rm, "mv": mv, "ma": ma}


def api_client(s: Scenario, registry: Any, runner: Runner, made: dict[str, Any]) -> None:
    api = registry._api
    rm, mv, ma = made["rm"], made["mv"], made["ma"]
    s.eq(
        runner.run(api.get_registered_model_by_id(rm.id)).model_dump(), rm.model_dump(), "rm by id"
    )
    s.eq(runner.run(api.get_model_version_by_id(mv.id)).model_dump(), mv.model_dump(), "mv by id")
    s.eq(runner.run(api.get_model_artifact_by_id(ma.id)).model_dump(), ma.model_dump(), "ma by id")

    # A doc artifact next to the model artifact; typed and untyped listings of the version.
    doc = runner.run(
        api.upsert_model_version_artifact(DocArtifact(name="readme", uri="https://d/readme"), mv.id)
    )
    s.ok(isinstance(doc, DocArtifact), f"upserting a doc artifact gives {type(doc).__name__}")
    listed = runner.run(api.get_model_version_artifacts(mv.id))
    s.eq(
        sorted((type(a).__name__, a.id) for a in listed),
        sorted([("DocArtifact", doc.id), ("ModelArtifact", ma.id)]),
        "all artifacts of the version, each as its own type",
    )
    only_models = runner.run(api.get_model_artifacts(mv.id))
    s.eq([a.id for a in only_models], [ma.id], "model artifacts of the version")
    paged = ListOptions(limit=1)
    first = runner.run(api.get_model_version_artifacts(mv.id, paged))
    s.ok(len(first) == 1 and paged.next_page_token, "a page of one artifact, with a token")
    second = runner.run(api.get_model_version_artifacts(mv.id, paged))
    s.eq(len(second), 1, "the second page of artifacts")
    s.eq(paged.next_page_token, "", "no token after the last page")
    s.eq(sorted(a.id for a in first + second), sorted([doc.id, ma.id]), "two pages, two artifacts")

    # A standalone model artifact (POST /model_artifacts), updated via PATCH, then linked.
    loose = runner.run(api.upsert_model_artifact(ModelArtifact(name=s.uid("loose"), uri="s3://l")))
    s.eq((loose.uri, loose.state), ("s3://l", ArtifactState.UNKNOWN), "standalone artifact")
    loose.uri = "s3://l2"
    loose.description = "patched"
    patched = runner.run(api.upsert_model_artifact(loose))
    s.eq((patched.id, patched.uri, patched.description), (loose.id, "s3://l2", "patched"), "patch")
    newest = runner.run(
        api.get_model_artifacts(None, ListOptions.order_by_id(is_asc=False, limit=2))
    )
    s.eq([a.id for a in newest], [loose.id, ma.id], "GET /model_artifacts: loose and linked ones")

    mv2 = runner.run(api.upsert_model_version(ModelVersion(name="2", author="a"), rm.id))
    linked = runner.run(api.upsert_model_version_artifact(patched, mv2.id))
    s.eq((linked.id, linked.uri), (loose.id, "s3://l2"), "upsert with an id links, not copies")
    s.eq(
        [a.id for a in runner.run(api.get_model_artifacts(mv2.id))], [loose.id], "now in version 2"
    )

    # Without ListOptions the client sends no pageSize and drops the next-page token. Upstream
    # then returns every row; this server returns its default page (100) - see the report.
    first_page = runner.run(api.get_registered_models())
    s.ok(0 < len(first_page) <= 100, f"no ListOptions: one page of {len(first_page)} models")
    newest_rm = runner.run(
        api.get_registered_models(ListOptions.order_by_id(is_asc=False, limit=1))
    )
    s.eq([m.id for m in newest_rm], [rm.id], "the newest model, by id descending")
    s.eq(
        sorted(v.id for v in runner.run(api.get_model_versions(rm.id))),
        sorted([mv.id, mv2.id]),
        "both versions",
    )


def async_pager(s: Scenario, registry: Any, made: dict[str, Any]) -> None:
    rm = made["rm"]

    async def page_fn(options: ListOptions) -> list[Any]:
        return await registry._api.get_model_versions(rm.id, options)

    async def collect() -> list[str]:
        return [v.name async for v in Pager(page_fn).page_size(1).order_by_id().descending()]

    s.eq(asyncio.run(collect()), ["2", "1"], "an async Pager, one per page, descending")


def http_info(s: Scenario, registry: Any, made: dict[str, Any]) -> None:
    """Status codes and headers, through the generated client's *_with_http_info calls."""

    async def calls() -> dict[str, Any]:
        async with registry._api.get_client() as client:
            listing = await client.get_registered_models_with_http_info(page_size="1")
            created = await client.create_registered_model_with_http_info(
                RegisteredModel(name=s.uid("info")).create()
            )
            one = await client.get_registered_model_with_http_info(made["rm"].id)
        return {"list": listing, "create": created, "get": one}

    responses = asyncio.run(calls())
    s.eq(
        {k: r.status_code for k, r in responses.items()},
        {"list": 200, "create": 201, "get": 200},
        "status codes",
    )
    s.eq(responses["list"].data.size, 1, "pageSize=1 gives one item")
    headers = {k.lower(): v for k, v in (responses["get"].headers or {}).items()}
    s.ok(headers.get("content-type", "").startswith("application/json"), f"type {headers}")
    if s.api == "v1alpha3":
        s.eq(headers.get("deprecation"), "true", "v1alpha3 responses carry Deprecation")
        s.ok(headers.get("sunset"), "v1alpha3 responses carry Sunset")
        s.ok(
            'rel="successor-version"' in headers.get("link", "")
            and "/api/model_registry/v1/" in headers.get("link", ""),
            f"v1alpha3 responses link to v1: {headers.get('link')!r}",
        )
    else:
        for key in ("deprecation", "sunset"):
            s.eq(headers.get(key), None, f"{s.api} responses carry no {key} header")
    s.extra["deprecation_header"] = headers.get("deprecation")


def main(s: Scenario) -> None:
    runner = Runner()
    registry = s.connect(async_runner=runner.run)
    s.ok(runner.calls >= 1, "the constructor's probe request went through our runner")
    made = register_in_steps(s, registry, runner)
    public_before = runner.calls
    registry.get_registered_model(made["rm"].name)
    s.eq(runner.calls, public_before + 1, "public calls go through the user's runner")
    api_client(s, registry, runner, made)
    async_pager(s, registry, made)
    http_info(s, registry, made)
    runner.loop.close()


if __name__ == "__main__":
    run("async_api", main)
