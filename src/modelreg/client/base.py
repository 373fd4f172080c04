"""What `Registry` and `AsyncRegistry` share: settings, reading answers, building specs."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import httpx

from .call import Call
from .config import (
    API_PATHS,
    ApiVersion,
    ClientConfig,
    Verify,
    resolve_auth,
    resolve_url,
    resolve_verify,
)
from .errors import from_response
from .registration import VERSION_ARGS, ModelSpec
from .retry import RetryPolicy
from .runs import Tracking

T = TypeVar("T")
TransportT = TypeVar("TransportT")
log = logging.getLogger("modelreg.client")


class RegistryBase(Generic[TransportT]):
    """Settings and the transport-free halves of sending a call."""

    def __init__(
        self,
        url: str | None = None,
        port: int | None = None,
        *,
        author: str | None = None,
        token: str | None = None,
        token_file: str | os.PathLike[str] | None = None,
        verify: Verify = True,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: TransportT | None = None,
        headers: Mapping[str, str] | None = None,
        api_version: ApiVersion = "v1",
        is_secure: bool | None = None,
        user_token: str | None = None,
        user_token_envvar: str | None = None,
        custom_ca: str | None = None,
        custom_ca_envvar: str | None = None,
        log_level: int | None = None,
        async_runner: object = None,
    ) -> None:
        """Connect to the registry at `url` (default `MODELREG_URL`, else localhost:8080).

        `author` is the default owner of new models and author of new versions. The token
        comes from `token`, `MODELREG_TOKEN`, or a file (`token_file`,
        `MODELREG_TOKEN_FILE`); `verify` takes a CA bundle path. Idempotent calls are
        retried `retries` times on 502/503/504 and connection errors, waiting `backoff`
        seconds, doubling. `transport` replaces the network (e.g. `httpx.MockTransport`).

        The keywords from `is_secure` on are upstream `ModelRegistry`'s, accepted so that
        moving over is an import change: `user_token` is `token`, `user_token_envvar` names
        an environment variable holding a token file path, `custom_ca` is `verify`,
        `custom_ca_envvar` names an environment variable holding a CA path. `log_level`
        sets the `modelreg.client` logger; `async_runner` is not needed and ignored.
        """
        del async_runner
        if log_level is not None:
            log.setLevel(log_level)
        base_url, api_path = resolve_url(url, port, is_secure)
        self._config = ClientConfig(
            base_url=base_url,
            api_path=api_path or API_PATHS[api_version],
            auth=resolve_auth(token or user_token, token_file, user_token_envvar),
            verify=resolve_verify(custom_ca or verify, custom_ca_envvar),
            timeout=timeout,
            retry=RetryPolicy(retries=retries, backoff=backoff),
            headers=dict(headers or {}),
            author=author,
        )
        self._transport = transport
        self._tracking = Tracking()
        self._connect()

    def _connect(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The API's base URL, e.g. `http://127.0.0.1:8080/api/model_registry/v1`."""
        return self._config.base_url + self._config.api_path

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    @staticmethod
    def _request_args(call: Call[Any]) -> dict[str, Any]:
        args: dict[str, Any] = {"method": call.method, "url": call.path}
        if call.params:
            args["params"] = dict(call.params)
        if call.body is not None:
            args["json"] = call.body
        return args

    @staticmethod
    def _read(call: Call[T], response: httpx.Response) -> T:
        if not response.is_success:
            raise from_response(response)
        data = response.json() if response.content else None
        return call.parse(data)

    def _spec(
        self,
        name: str,
        uri: str,
        *,
        model_format_name: str,
        model_format_version: str,
        version: str,
        author: str | None,
        owner: str | None,
        version_description: str | None,
        description: str | None,
        metadata: Mapping[str, Any] | None,
        artifact: Mapping[str, str | None],
    ) -> ModelSpec:
        if description is not None:
            warnings.warn(
                "register_model(description=...) is deprecated: use version_description",
                DeprecationWarning,
                stacklevel=3,
            )
            version_description = version_description or description
        given = {"author": author, "version_description": version_description, "metadata": metadata}
        fields = {VERSION_ARGS[arg]: value for arg, value in given.items()}
        fields["author"] = author or self._config.author
        return ModelSpec(
            name=name,
            version=version,
            artifact={
                "uri": uri,
                "model_format_name": model_format_name,
                "model_format_version": model_format_version,
                **artifact,
            },
            version_fields={k: v for k, v in fields.items() if v is not None},
            owner=owner or self._config.author,
            compared_version_args=frozenset(k for k, v in given.items() if v is not None),
        )


ARTIFACT_ARGS = (
    "storage_key",
    "storage_path",
    "service_account_name",
    "model_source_kind",
    "model_source_class",
    "model_source_group",
    "model_source_id",
    "model_source_name",
)
LIST_OPTIONS = ("filter_query", "order_by", "sort_order", "page_size", "limit")


def call_args(scope: dict[str, Any]) -> dict[str, Any]:
    """A method's arguments (from `locals()`), without `self`."""
    return {k: v for k, v in scope.items() if k != "self"}


def list_options(scope: dict[str, Any]) -> dict[str, Any]:
    """The list options among a method's arguments."""
    return {k: scope[k] for k in LIST_OPTIONS}


def spec_args(scope: dict[str, Any]) -> dict[str, Any]:
    """`register_model`'s arguments as `RegistryBase._spec` takes them."""
    args = call_args(scope)
    args["artifact"] = {k: args.pop(k) for k in ARTIFACT_ARGS}
    return args
