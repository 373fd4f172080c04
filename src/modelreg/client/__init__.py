"""The Python SDK: `Registry` (sync) and `AsyncRegistry` over httpx, sharing one request builder.

    call.py          a Call (method, path, params, body, parser) and flows of calls
    endpoints.py     one Call builder per endpoint
    operations.py    the SDK's operations as flows; registration.py: register_model
    bodies.py        request bodies from keyword arguments, checked by the wire models
    values.py        custom properties <-> plain Python values
    base.py          settings and the transport-free halves of a call
    aio.py, sync.py  the two drivers: httpx.AsyncClient and httpx.Client
    serving.py       serving and deployment flows; deployments.py: the deployment models
    experiments.py   experiment, run, log and metric-history flows
    aio_ext.py, sync_ext.py   the clients' serving and experiment calls (mixins)
    pager.py         lazy pagers: aio_pager.py, sync_pager.py over paging.py's state
    tracking.py      start_experiment_run's runs: aio_tracking.py, sync_tracking.py over
                     runs.py's state
    retry.py         retries; errors.py: status -> exception
    embedded.py      embedded mode: the server's app in-process, no network

Each sync*.py is generated from its aio*.py (scripts/generate_sync.py, `make generate`).

The client never imports server or storage code, except `embedded.py`, on demand.
"""

from __future__ import annotations

from .aio import AsyncRegistry
from .deployments import Deployment
from .endpoints import ListOptions
from .errors import PermissionDenied, RegistryHTTPError, Unauthenticated
from .pager import AsyncPager, Pager
from .registration import Registration
from .sync import Registry
from .tracking import ActiveExperimentRun, AsyncActiveExperimentRun, RunInfo
from .values import from_metadata, to_metadata

__all__ = [
    "ActiveExperimentRun",
    "AsyncActiveExperimentRun",
    "AsyncPager",
    "AsyncRegistry",
    "Deployment",
    "ListOptions",
    "Pager",
    "PermissionDenied",
    "Registration",
    "Registry",
    "RegistryHTTPError",
    "RunInfo",
    "Unauthenticated",
    "from_metadata",
    "to_metadata",
]
