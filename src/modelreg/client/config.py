"""Where the registry is and how to talk to it: URL, token, CA, timeouts, retries.

Each setting comes from the argument, else the environment, else a default:

- server: `url` (and `port`), else `MODELREG_URL`, else `http://127.0.0.1:8080`
- token: `token`, else `MODELREG_TOKEN`
- token file, read on every request so rotated tokens work: `token_file`, else
  `MODELREG_TOKEN_FILE`, else upstream's `KF_PIPELINES_SA_TOKEN_PATH`
- CA bundle: `verify` (a path, a bool or an `ssl.SSLContext`), else `MODELREG_CA_BUNDLE`
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import httpx

from modelreg import __version__

from .retry import RetryPolicy

DEFAULT_URL = "http://127.0.0.1:8080"
API_PATHS = {"v1": "/api/model_registry/v1", "v1alpha3": "/api/model_registry/v1alpha3"}
ApiVersion = Literal["v1", "v1alpha3"]
Verify = bool | str | os.PathLike[str] | ssl.SSLContext


class BearerToken(httpx.Auth):
    """`Authorization: Bearer <token>`; a token file is read on every request (rotation)."""

    def __init__(self, token: str | None = None, token_file: Path | None = None) -> None:
        self.token = token
        self.token_file = token_file

    def current(self) -> str | None:
        if self.token:
            return self.token
        if self.token_file is not None:
            return self.token_file.read_text().strip() or None
        return None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.current()
        if token:
            request.headers["Authorization"] = f"Bearer {token}"
        yield request


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs besides its transport."""

    base_url: str
    api_path: str = API_PATHS["v1"]
    auth: BearerToken = field(default_factory=BearerToken)
    verify: bool | ssl.SSLContext = True
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    headers: Mapping[str, str] = field(default_factory=dict)
    author: str | None = None

    @property
    def api_url(self) -> str:
        return self.base_url + self.api_path

    def request_headers(self) -> dict[str, str]:
        return {"User-Agent": f"modelreg-python/{__version__}", **self.headers}


def resolve_url(
    url: str | None, port: int | None = None, is_secure: bool | None = None
) -> tuple[str, str | None]:
    """The server's base URL, and the API path if the URL names one."""
    raw = (url or os.environ.get("MODELREG_URL") or DEFAULT_URL).strip().rstrip("/")
    if "://" not in raw:
        raw = f"{'http' if is_secure is False else 'https'}://{raw}"
    parts = urlsplit(raw)
    netloc = parts.netloc
    if port is not None and parts.port is None:
        netloc = f"{netloc}:{port}"
    api_path = None
    path = parts.path
    for known in API_PATHS.values():
        if path.endswith(known):
            api_path, path = known, path[: -len(known)]
    return f"{parts.scheme}://{netloc}{path}", api_path


def resolve_auth(
    token: str | None = None,
    token_file: str | os.PathLike[str] | None = None,
    token_file_envvar: str | None = None,
) -> BearerToken:
    """The bearer token: argument, `MODELREG_TOKEN`, then a token file."""
    token = token or os.environ.get("MODELREG_TOKEN") or None
    if token:
        return BearerToken(token=token)
    if token_file is None and token_file_envvar:
        token_file = os.environ.get(token_file_envvar)
        if token_file is None:
            raise ValueError(f"{token_file_envvar} is not set (it should name a token file)")
    if token_file is None:
        token_file = (
            os.environ.get("MODELREG_TOKEN_FILE")
            or os.environ.get("KF_PIPELINES_SA_TOKEN_PATH")
            or None
        )
    if token_file is None:
        return BearerToken()
    path = Path(token_file).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"token file {str(path)!r} does not exist")
    return BearerToken(token_file=path)


def resolve_verify(verify: Verify = True, ca_envvar: str | None = None) -> bool | ssl.SSLContext:
    """TLS verification: a CA bundle path becomes an `ssl.SSLContext`."""
    if verify is True:
        from_env = (ca_envvar and os.environ.get(ca_envvar)) or os.environ.get("MODELREG_CA_BUNDLE")
        verify = from_env or True
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    path = Path(verify).expanduser()
    if path.is_dir():
        return ssl.create_default_context(capath=str(path))
    if not path.is_file():
        raise FileNotFoundError(f"CA bundle {str(path)!r} does not exist")
    return ssl.create_default_context(cafile=str(path))
