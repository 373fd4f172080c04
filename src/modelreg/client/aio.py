"""The registry client: `AsyncRegistry` in aio.py, and `Registry` in sync.py.

aio.py is the source: scripts/generate_sync.py (`make generate`) writes sync.py from it by
dropping `async`/`await` and renaming (aio_ext -> sync_ext, AsyncClient -> Client, ...).
It is written so that both readings hold (docs/sdk.md: how the two clients are made).
"""

from __future__ import annotations

from asyncio import sleep
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from modelreg.errors import ModelRegError
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as reg
from modelreg.schemas.enums import ContextState

from . import endpoints as ep
from . import operations as ops
from .aio_ext import AsyncExtras
from .aio_pager import AsyncPager
from .base import RegistryBase, call_args, list_options, spec_args
from .call import Call, Flow, as_flow
from .endpoints import ListOptions
from .paging import PageFlow
from .registration import Registration, register

T = TypeVar("T")
E = TypeVar("E", bound=BaseModel)


class AsyncRegistry(RegistryBase[httpx.AsyncBaseTransport], AsyncExtras):
    """The model registry over HTTP (or in-process: `local(database_url)`).

    `Registry` sends the calls with a plain `httpx.Client`, so it works the same in scripts,
    threads, pipeline steps and notebooks (no event loop is used or patched); close it with
    `with` or `close()`. `AsyncRegistry` has the same calls as coroutines, its pagers are
    `async for` iterators, and `async with` or `aclose()` closes it.
    """

    _http: httpx.AsyncClient

    def _connect(self) -> None:
        config = self._config
        self._http = httpx.AsyncClient(
            base_url=config.api_url,
            auth=config.auth,
            timeout=config.timeout,
            headers=config.request_headers(),
            verify=config.verify,
            transport=self._transport,
        )

    @classmethod
    def local(cls, database_url: str, *, author: str | None = None) -> Self:
        """The registry in this process on `database_url`: no server, no network.

        The database is migrated to the newest schema; the same API answers as over HTTP.
        Needs the server extra (`pip install 'modelreg[server]'`). Close it (or use `with`)
        to release the database.
        """
        from .embedded import AsyncPortalTransport, Portal

        portal = Portal.for_database(database_url)
        return cls(portal.base_url, author=author, transport=AsyncPortalTransport(portal))

    # --- plumbing --------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connections (and, in embedded mode, the database)."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: Call[T]) -> T:
        # `sleep` is asyncio's here and time's in sync.py: retrying's one sync/async difference
        attempts = self._config.retry.attempts(call, self._config.base_url)
        while True:
            try:
                response = await self._http.request(**self._request_args(call))
            except httpx.TransportError as exc:
                await sleep(attempts.after_error(exc))
                continue
            delay = attempts.after_response(response)
            if delay is None:
                return self._read(call, response)
            await sleep(delay)

    async def _run(self, work: Flow[T] | Call[T]) -> T:
        flow = as_flow(work)
        try:
            call = next(flow)
            while True:
                try:
                    result = await self._send(call)
                except ModelRegError as exc:
                    call = flow.throw(exc)
                else:
                    call = flow.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def _pager(self, fetch: PageFlow[T], **options: Any) -> AsyncPager[T]:
        limit = options.pop("limit", None)
        return AsyncPager(self._run, fetch, ListOptions(**options), limit)

    # --- upstream's calls ------------------------------------------------------------------

    async def register_model(
        self,
        name: str,
        uri: str,
        *,
        model_format_name: str,
        model_format_version: str,
        version: str,
        storage_key: str | None = None,
        storage_path: str | None = None,
        service_account_name: str | None = None,
        model_source_kind: str | None = None,
        model_source_class: str | None = None,
        model_source_group: str | None = None,
        model_source_id: str | None = None,
        model_source_name: str | None = None,
        author: str | None = None,
        owner: str | None = None,
        version_description: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> reg.RegisteredModel:
        """Register a model version and its model artifact; answers the registered model.

        The model is created if missing (owned by `owner`, default the client's author),
        then version `version` (with `author`, `version_description` and `metadata` as
        its custom properties), then a model artifact named after the model at `uri`.
        Idempotent: the same registration again answers the stored entities; different
        content raises `AlreadyExists` naming the differing fields. `description` is
        upstream's deprecated name of `version_description`.
        """
        registration = await self.register(**call_args(locals()))
        return registration.model

    async def register(
        self,
        name: str,
        uri: str,
        *,
        model_format_name: str,
        model_format_version: str,
        version: str,
        storage_key: str | None = None,
        storage_path: str | None = None,
        service_account_name: str | None = None,
        model_source_kind: str | None = None,
        model_source_class: str | None = None,
        model_source_group: str | None = None,
        model_source_id: str | None = None,
        model_source_name: str | None = None,
        author: str | None = None,
        owner: str | None = None,
        version_description: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Registration:
        """`register_model`, answering `(model, version, artifact)`."""
        return await self._run(register(self._spec(**spec_args(locals()))))

    async def update(self, entity: E) -> E:
        """Save a fetched and edited entity (model, version or artifact); answers it stored.

        Custom properties may be assigned plain values: `version.custom_properties =
        {"auc": 0.97}`. The map replaces the stored one. Fields set to None keep their value.
        """
        return await self._run(ops.update(entity))

    async def get_registered_model(self, name: str) -> reg.RegisteredModel | None:
        """The registered model named `name`, or None."""
        return await self._run(ops.get_registered_model(name))

    async def get_model_version(self, name: str, version: str) -> reg.ModelVersion | None:
        """Version `version` of the model `name`, or None; `NotFound` if the model is missing."""
        return await self._run(ops.get_model_version(name, version))

    async def get_model_artifact(self, name: str, version: str) -> art.ModelArtifact | None:
        """The model artifact of a version, or None; `NotFound` if the version is missing."""
        return await self._run(ops.get_model_artifact(name, version))

    def get_registered_models(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[reg.RegisteredModel]:
        """A lazy pager over registered models."""
        return self._pager(ops.registered_models(), **list_options(locals()))

    def get_model_versions(
        self,
        name: str | None = None,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[reg.ModelVersion]:
        """A lazy pager over the versions of model `name` (all versions if None)."""
        return self._pager(ops.model_versions(name), **list_options(locals()))

    # --- registered models -----------------------------------------------------------------

    async def create_registered_model(self, name: str, **fields: Any) -> reg.RegisteredModel:
        """Create a model; `fields` are `RegisteredModelCreate`'s (owner, description, ...)."""
        return await self._run(ops.create_registered_model(name, fields))

    async def get_registered_model_by_id(self, model_id: str) -> reg.RegisteredModel:
        return await self._run(ep.get_registered_model(model_id))

    async def find_registered_model(
        self, name: str | None = None, *, external_id: str | None = None
    ) -> reg.RegisteredModel:
        """The model with this name and/or external id; `NotFound` if none."""
        return await self._run(ep.find_registered_model(name, external_id))

    async def update_registered_model(self, model_id: str, **fields: Any) -> reg.RegisteredModel:
        """Change the given fields of a model (`RegisteredModelUpdate`'s)."""
        return await self._run(ops.update_registered_model(model_id, fields))

    async def archive_registered_model(self, name: str) -> reg.RegisteredModel:
        return await self._run(ops.set_model_state(name, ContextState.ARCHIVED))

    async def restore_registered_model(self, name: str) -> reg.RegisteredModel:
        return await self._run(ops.set_model_state(name, ContextState.LIVE))

    # --- model versions --------------------------------------------------------------------

    async def create_model_version(
        self, registered_model_id: str, name: str, **fields: Any
    ) -> reg.ModelVersion:
        """Create a version of a model; `fields` are `ModelVersionCreate`'s (author, ...)."""
        return await self._run(ops.create_model_version(registered_model_id, name, fields))

    async def get_model_version_by_id(self, version_id: str) -> reg.ModelVersion:
        return await self._run(ep.get_model_version(version_id))

    async def find_model_version(
        self,
        name: str | None = None,
        registered_model_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> reg.ModelVersion:
        """The version by name in a model, or by external id; `NotFound` if none."""
        return await self._run(ep.find_model_version(name, registered_model_id, external_id))

    async def update_model_version(self, version_id: str, **fields: Any) -> reg.ModelVersion:
        """Change the given fields of a version (`ModelVersionUpdate`'s)."""
        return await self._run(ops.update_model_version(version_id, fields))

    async def archive_model_version(self, name: str, version: str) -> reg.ModelVersion:
        return await self._run(ops.set_version_state(name, version, ContextState.ARCHIVED))

    async def restore_model_version(self, name: str, version: str) -> reg.ModelVersion:
        return await self._run(ops.set_version_state(name, version, ContextState.LIVE))

    # --- artifacts -------------------------------------------------------------------------

    def get_artifacts(
        self,
        name: str | None = None,
        version: str | None = None,
        *,
        model_version_id: str | None = None,
        artifact_type: str | None = None,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[art.Artifact]:
        """A lazy pager over the artifacts of a version (by names or id), or all artifacts."""
        fetch = ops.artifacts(name, version, model_version_id, artifact_type)
        return self._pager(fetch, **list_options(locals()))

    def get_model_artifacts(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[art.ModelArtifact]:
        """A lazy pager over every model artifact."""
        return self._pager(ops.model_artifacts(), **list_options(locals()))

    async def create_artifact(self, artifact_type: str, **fields: Any) -> art.Artifact:
        """Create an artifact linked to nothing (`model-artifact`, `metric`, ...)."""
        return await self._run(ops.create_artifact(artifact_type, fields))

    async def get_artifact_by_id(self, artifact_id: str) -> art.Artifact:
        return await self._run(ep.get_artifact(artifact_id))

    async def find_artifact(
        self,
        name: str | None = None,
        model_version_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> art.Artifact:
        """The artifact by name in a version, or by external id; `NotFound` if none."""
        return await self._run(ep.find_artifact(name, model_version_id, external_id))

    async def update_artifact(
        self, artifact_id: str, *, artifact_type: str | None = None, **fields: Any
    ) -> art.Artifact:
        """Change the given fields of an artifact (its type is looked up if not given)."""
        return await self._run(ops.update_artifact(artifact_id, fields, artifact_type))

    async def upsert_artifact(
        self, model_version_id: str, artifact_type: str, **fields: Any
    ) -> art.Artifact:
        """Create an artifact in a version, or update it (given `id`; metrics and
        parameters also by name)."""
        return await self._run(ops.upsert_artifact(model_version_id, artifact_type, fields))

    # --- state -----------------------------------------------------------------------------

    async def archive(self, entity: E) -> E:
        """Archive a registered model or a model version; answers it stored."""
        return await self._run(ops.set_state(entity, ContextState.ARCHIVED))

    async def restore(self, entity: E) -> E:
        """Make an archived registered model or model version live again."""
        return await self._run(ops.set_state(entity, ContextState.LIVE))
