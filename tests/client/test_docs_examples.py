"""Every ```python block of docs/sdk.md runs, in order, against a real server process.

Blocks marked ```python notest (TLS, tokens) are skipped. The examples' server address,
`http://127.0.0.1:8080`, is replaced by the test server's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modelreg import Registry
from tests.e2e.conftest import running_server

pytestmark = pytest.mark.e2e
SDK_MD = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def blocks() -> list[str]:
    return BLOCK.findall(SDK_MD.read_text())


def test_the_sdk_guide_has_runnable_examples() -> None:
    assert len(blocks()) >= 10


def test_every_example_in_the_sdk_guide_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODELREG_URL", raising=False)
    monkeypatch.delenv("MODELREG_TOKEN", raising=False)
    with running_server(f"sqlite:///{tmp_path / 'server.db'}") as (base, _process):
        port = base.rsplit(":", 1)[1]
        namespace: dict[str, object] = {"__name__": "sdk_md"}
        opened: list[Registry] = []
        try:
            for number, code in enumerate(blocks(), start=1):
                code = code.replace("http://127.0.0.1:8080", base)
                code = code.replace('"http://127.0.0.1", 8080', f'"http://127.0.0.1", {port}')
                try:
                    exec(compile(code, f"docs/sdk.md block {number}", "exec"), namespace)
                except Exception as exc:
                    raise AssertionError(f"docs/sdk.md block {number} failed:\n{code}") from exc
                opened += [v for v in namespace.values() if isinstance(v, Registry)]
        finally:
            for registry in opened:
                registry.close()
