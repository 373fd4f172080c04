"""`create_app(settings)`: the FastAPI application, both API prefixes, health, docs."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute

from modelreg import __version__
from modelreg.config import Settings
from modelreg.errors import ModelRegError
from modelreg.storage.store import Store

from . import errors
from .deps import Services
from .middleware import BodyLimit, DeprecationHeaders, JsonBodies
from .rendering import ApiVersion
from .routes import artifacts, experiments, health, model_versions, registered_models, serving
from .routing import RouterOptions, api_mount, install_openapi

log = logging.getLogger("modelreg.server")
PREFIXES: dict[ApiVersion, str] = {
    "v1": "/api/model_registry/v1",
    "v1alpha3": "/api/model_registry/v1alpha3",
}
RETRY_SECONDS = 2.0


def _try_start(app: FastAPI, store: Store, settings: Settings) -> bool:
    """Bootstrap the store once; on success the registry is ready to serve."""
    try:
        store.bootstrap(migrate=settings.migrate_on_start)
    except ModelRegError as exc:
        app.state.start_error = exc.message
        log.warning("registry not ready (%s); retrying every %.0fs", exc.message, RETRY_SECONDS)
        return False
    app.state.services = Services.over(store)
    app.state.start_error = None
    app.state.ready = True
    return True


def _keep_trying(app: FastAPI, store: Store, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(RETRY_SECONDS):
        if _try_start(app, store, settings):
            return


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings()
    store = store or Store.from_url(
        settings.database_url,
        pool_size=settings.pool_size,
        cached_entities=settings.cached_entities,
    )

    # Network databases: requests run in threads, so that one worker overlaps its requests'
    # waits on the database and a slow statement holds up only its own request. SQLite:
    # on the event loop, one at a time (routing.py): its statements take microseconds, and
    # more threads would only contend for the interpreter lock.
    threads = settings.threads_for(store.dialect)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One attempt before serving, so a healthy database is ready for the first request;
        # otherwise serve 503s and keep trying in the background.
        # The request threads: the loop's default executor, which offloaded routes run on
        # (routing.py); a plain executor costs a request 11% fewer instructions than
        # anyio's worker threads. Health probes have a limiter of their own.
        to_thread.current_default_thread_limiter().total_tokens = max(threads, 1)
        requests = ThreadPoolExecutor(threads, "modelreg-request") if threads else None
        if requests is not None:
            asyncio.get_running_loop().set_default_executor(requests)
        stop = threading.Event()
        if not _try_start(app, store, settings):
            threading.Thread(
                target=_keep_trying, args=(app, store, settings, stop), daemon=True
            ).start()
        try:
            # each thread running requests (the loop's, or each request thread) keeps one
            with store.connection_kept():
                try:
                    yield
                finally:
                    if requests is not None:
                        requests.shutdown(wait=True)
        finally:
            stop.set()
            store.dispose()

    app = FastAPI(
        title="modelreg",
        version=__version__,
        description="A model registry wire-compatible with the Kubeflow Model Registry REST API.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.ready = False
    app.state.start_error = None
    app.state.settings = settings
    app.state.probe_limiter = health.probe_limiter()
    errors.install(app)
    app.include_router(health.router)
    documented: list[BaseRoute] = []
    for position, (api, prefix) in enumerate(PREFIXES.items()):
        options = RouterOptions(
            offload=threads > 0,
            prefix=prefix,
            deprecated=api == "v1alpha3",
            overrides_from=app,
        )
        modules = (registered_models, model_versions, artifacts, serving, experiments)
        routes = [route for module in modules for route in module.router(api, options).routes]
        # first: the API's requests are most of the traffic, and no other path overlaps
        app.router.routes.insert(position, api_mount(prefix, routes))
        documented += routes
    install_openapi(app, documented)
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type", "X-CSRF-Token"],
        expose_headers=["Link", "Deprecation", "Sunset"],
        max_age=300,
    )
    app.add_middleware(JsonBodies)
    app.add_middleware(DeprecationHeaders, sunset=settings.sunset)
    app.add_middleware(
        BodyLimit, max_bytes=lambda: min(settings.max_body_bytes, store.max_request_bytes)
    )
    return app
