"""Connection settings of the CLI: flags, then environment, then a profile, then defaults.

The config file is TOML, at `$MODELREG_CONFIG`, else `$XDG_CONFIG_HOME/modelreg/config.toml`
(`~/.config/modelreg/config.toml`):

    default_profile = "local"

    [profiles.local]
    url = "http://127.0.0.1:8080"

    [profiles.prod]
    url = "https://registry.example.com"
    token_file = "~/.config/modelreg/prod.token"
    ca = "/etc/ssl/certs/internal-ca.pem"
    timeout = 10

    [profiles.laptop]
    local = "sqlite:////home/ada/registry.db"   # embedded mode: no server
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

PROFILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "url": str,
    "token": str,
    "token_file": str,
    "ca": str,
    "local": str,
    "timeout": (int, float),
    "author": str,
}


class ConfigError(Exception):
    """The config file or a profile is missing or malformed (a usage error, exit 2)."""


@dataclass(frozen=True)
class Connection:
    """Where the CLI's registry is; None means "not set at this level"."""

    url: str | None = None
    token: str | None = None
    token_file: str | None = None
    ca: str | None = None
    local: str | None = None
    timeout: float | None = None
    author: str | None = None

    def over(self, lower: Connection) -> Connection:
        """These settings, falling back to `lower` where unset."""
        changes = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(lower, **{k: v for k, v in changes.items() if v is not None})


def config_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get("MODELREG_CONFIG"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(base).expanduser() / "modelreg" / "config.toml"


def load_profile(path: Path, name: str | None) -> Connection:
    """The profile `name` (or the file's default) from `path`; empty if there is no file."""
    if not path.is_file():
        if name:
            raise ConfigError(f"profile {name!r} asked for, but there is no config file at {path}")
        return Connection()
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    profiles = data.get("profiles", {})
    chosen = name or data.get("default_profile")
    if chosen is None:
        return Connection()
    if not isinstance(profiles, dict) or chosen not in profiles:
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) else ""
        raise ConfigError(f"no profile {chosen!r} in {path} (profiles: {known or 'none'})")
    return _connection(profiles[chosen], f"{path} [profiles.{chosen}]")


def _connection(table: Any, where: str) -> Connection:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        expected = PROFILE_KEYS.get(key)
        if expected is None:
            allowed = ", ".join(PROFILE_KEYS)
            raise ConfigError(f"{where}: unknown key {key!r} (allowed: {allowed})")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}: {key} has the wrong type ({type(value).__name__})")
        values[key] = float(value) if isinstance(value, int | float) else value
    return Connection(**values)
