"""Where the CLI's connection comes from: flags, environment, config file profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from modelreg.cli.config import ConfigError, Connection, config_path, load_profile
from modelreg.cli.main import cli
from modelreg.cli.session import Session

CONFIG = """
default_profile = "local"

[profiles.local]
url = "http://127.0.0.1:8080"

[profiles.prod]
url = "https://registry.example.com"
token_file = "/run/secrets/token"
timeout = 10
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    return path


def test_profiles_and_the_default_profile(config: Path) -> None:
    assert load_profile(config, None) == Connection(url="http://127.0.0.1:8080")
    prod = load_profile(config, "prod")
    assert (prod.url, prod.token_file, prod.timeout) == (
        "https://registry.example.com",
        "/run/secrets/token",
        10.0,
    )


def test_no_config_file_is_fine_unless_a_profile_is_asked_for(tmp_path: Path) -> None:
    assert load_profile(tmp_path / "none.toml", None) == Connection()
    with pytest.raises(ConfigError, match="no config file"):
        load_profile(tmp_path / "none.toml", "prod")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[profiles.x]\nurl = 5\n", "wrong type"),
        ("[profiles.x]\nurl = 'u'\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[profiles.x\n", "cannot read config file"),
    ],
)
def test_malformed_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_profile(path, "x")


def test_an_unknown_profile_lists_the_known_ones(config: Path) -> None:
    with pytest.raises(ConfigError, match=r"no profile 'nope' .* \(profiles: local, prod\)"):
        load_profile(config, "nope")


def test_the_config_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MODELREG_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "modelreg" / "config.toml"
    monkeypatch.setenv("MODELREG_CONFIG", "/etc/modelreg.toml")
    assert config_path() == Path("/etc/modelreg.toml")
    assert config_path("/x.toml") == Path("/x.toml")


def _session_after(args: list[str], env: dict[str, str | None]) -> Session:
    """The session the root command leaves, for a command that fails before connecting."""
    session = Session(factory=lambda: None)  # type: ignore[arg-type, return-value]
    CliRunner().invoke(cli, [*args, "models", "update", "x"], obj=session, env=env)
    return session


def test_flags_beat_the_environment_which_beats_the_profile(config: Path) -> None:
    env: dict[str, str | None] = {"MODELREG_CONFIG": str(config), "MODELREG_URL": None}
    assert _session_after([], env).connection().url == "http://127.0.0.1:8080"
    assert _session_after(["--profile", "prod"], env).connection().timeout == 10.0
    env["MODELREG_URL"] = "http://from-env"
    from_env = _session_after(["--profile", "prod"], env).connection()
    assert (from_env.url, from_env.token_file) == ("http://from-env", "/run/secrets/token")
    flagged = _session_after(["--url", "http://flag", "--timeout", "3"], env).connection()
    assert (flagged.url, flagged.timeout) == ("http://flag", 3.0)


def test_a_bad_profile_or_token_file_is_a_usage_error(config: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"MODELREG_CONFIG": str(config), "MODELREG_URL": None, "MODELREG_TOKEN": None}
    result = runner.invoke(cli, ["--profile", "nope", "models", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no profile 'nope'")
    result = runner.invoke(cli, ["--token-file", str(tmp_path / "gone"), "models", "list"], env=env)
    assert result.exit_code == 2
    assert "token file" in result.stderr


def test_a_profile_can_open_a_local_database(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.laptop]\nlocal = "sqlite:///{tmp_path / "r.db"}"\n')
    env = {"MODELREG_CONFIG": str(path), "MODELREG_URL": None}
    runner = CliRunner()
    args = ["--profile", "laptop", "models"]
    register = ["register", "m", "s3://m", "--version", "1", "--format-name", "onnx",
                "--format-version", "1"]  # fmt: skip
    created = runner.invoke(cli, [*args, *register], env=env)
    assert created.exit_code == 0, created.stderr
    listed = runner.invoke(cli, [*args, "list", "-o", "json"], env=env)
    assert '"name": "m"' in listed.stdout
