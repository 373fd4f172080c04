"""Every registry command through click's runner: output formats, lists, edits, exit codes."""

from __future__ import annotations

import json

import yaml

from .conftest import Run
from .outcomes import failed, ok

REGISTER = ["models", "register", "fraud", "s3://m/fraud/1", "--version", "1.0.0",
            "--format-name", "onnx", "--format-version", "1"]  # fmt: skip


def test_register_list_and_show(run: Run) -> None:
    out = ok(run(*REGISTER, "-m", "auc=0.97", "-m", 'tag="1.0"', "--author", "ada"))
    assert "registered model 'fraud'" in out and "version '1.0.0'" in out
    table = ok(run("models", "list")).splitlines()
    assert table[0].split() == ["ID", "NAME", "STATE", "OWNER", "UPDATED", "(UTC)", "DESCRIPTION"]
    assert table[1].split()[1:3] == ["fraud", "LIVE"]
    listed = json.loads(ok(run("models", "list", "-o", "json")))
    assert [m["name"] for m in listed] == ["fraud"]
    shown = yaml.safe_load(ok(run("versions", "show", "fraud", "1.0.0", "-o", "yaml")))
    assert shown["author"] == "ada"
    assert shown["customProperties"]["auc"] == {
        "metadataType": "MetadataDoubleValue",
        "doubleValue": 0.97,
    }
    assert shown["customProperties"]["tag"]["stringValue"] == "1.0"
    detail = ok(run("models", "show", "fraud"))
    assert "name" in detail and "fraud" in detail
    by_id = json.loads(ok(run("models", "show", "--id", listed[0]["id"], "-o", "json")))
    assert by_id["name"] == "fraud"


def test_registering_again_is_idempotent_and_different_content_is_exit_4(run: Run) -> None:
    registered = json.loads(ok(run(*REGISTER, "-o", "json")))
    assert set(registered) == {"registeredModel", "modelVersion", "modelArtifact"}
    again = json.loads(ok(run(*REGISTER, "-o", "json")))
    assert again == registered
    error = failed(run(*REGISTER[:3], "s3://m/fraud/2", *REGISTER[4:]), 4)
    assert "already registered with different content" in error and "uri" in error


def test_lists_filter_order_and_limit(run: Run) -> None:
    for name in ("b", "a", "c"):
        ok(run("models", "register", name, f"s3://{name}", "--version", "1",
               "--format-name", "onnx", "--format-version", "1"))  # fmt: skip
    names = lambda result: [m["name"] for m in json.loads(ok(result))]  # noqa: E731
    assert names(run("models", "list", "-o", "json", "--order-by", "NAME")) == ["a", "b", "c"]
    assert names(run("models", "list", "-o", "json", "--order-by", "NAME", "--desc")) == [
        "c",
        "b",
        "a",
    ]
    assert names(run("models", "list", "-o", "json", "--filter", "name != 'b'")) == ["a", "c"]
    limited = run("models", "list", "--limit", "2")
    assert len(ok(limited).splitlines()) == 3
    assert "showing the first 2 registered models" in limited.stderr
    assert len(json.loads(ok(run("models", "list", "--limit", "0", "-o", "json")))) == 3
    assert len(json.loads(ok(run("versions", "list", "-o", "json")))) == 3


def test_empty_lists_say_so_on_stderr(run: Run) -> None:
    result = run("models", "list")
    assert result.exit_code == 0
    assert "no registered models" in result.stderr
    assert json.loads(ok(run("models", "list", "-o", "json"))) == []


def test_update_archive_and_restore_a_model(run: Run) -> None:
    ok(run(*REGISTER))
    out = ok(run("models", "update", "fraud", "--description", "detects fraud",
                 "--set", "team=risk", "--set", "tier=2"))  # fmt: skip
    assert out.startswith("updated registered model 'fraud' (id ")
    shown = json.loads(ok(run("models", "show", "fraud", "-o", "json")))
    assert shown["description"] == "detects fraud"
    assert shown["customProperties"]["tier"] == {
        "metadataType": "MetadataIntValue",
        "intValue": "2",
    }
    ok(run("models", "update", "fraud", "--unset", "team"))
    shown = json.loads(ok(run("models", "show", "fraud", "-o", "json")))
    assert set(shown["customProperties"]) == {"tier"}
    assert "archived registered model 'fraud'" in ok(run("models", "archive", "fraud"))
    archived = json.loads(ok(run("models", "list", "-o", "json", "--filter", "state = 'ARCHIVED'")))
    assert [m["name"] for m in archived] == ["fraud"]
    restored = json.loads(ok(run("models", "restore", "fraud", "-o", "json")))
    assert restored["state"] == "LIVE"


def test_versions_show_update_archive_restore(run: Run) -> None:
    registered = json.loads(ok(run(*REGISTER, "-o", "json")))
    version_id = registered["modelVersion"]["id"]
    ok(run("versions", "update", "fraud", "1.0.0", "--author", "bob", "--set", "auc=0.9"))
    shown = json.loads(ok(run("versions", "show", "--id", version_id, "-o", "json")))
    assert shown["author"] == "bob"
    assert "archived model version '1.0.0'" in ok(run("versions", "archive", "fraud", "1.0.0"))
    restored = json.loads(ok(run("versions", "restore", "--id", version_id, "-o", "json")))
    assert restored["state"] == "LIVE"
    listed = json.loads(ok(run("versions", "list", "fraud", "-o", "json")))
    assert [v["name"] for v in listed] == ["1.0.0"]


def test_artifacts_list_and_show(run: Run) -> None:
    registered = json.loads(ok(run(*REGISTER, "-o", "json")))
    artifact_id = registered["modelArtifact"]["id"]
    table = ok(run("artifacts", "list", "fraud", "1.0.0"))
    assert "model-artifact" in table and "s3://m/fraud/1" in table
    typed = json.loads(ok(run("artifacts", "list", "--type", "metric", "-o", "json")))
    assert typed == []
    by_version = run(
        "artifacts", "list", "--version-id", registered["modelVersion"]["id"], "-o", "json"
    )
    assert [a["id"] for a in json.loads(ok(by_version))] == [artifact_id]
    shown = json.loads(ok(run("artifacts", "show", artifact_id, "-o", "json")))
    assert shown["uri"] == "s3://m/fraud/1"


def test_errors_are_one_line_on_stderr_with_documented_exit_codes(run: Run) -> None:
    assert "no registered model" in failed(run("models", "show", "nope"), 3)
    assert "no registered model named 'nope'" in failed(run("versions", "show", "nope", "9"), 3)
    ok(run(*REGISTER))
    assert "no version '9'" in failed(run("versions", "show", "fraud", "9"), 3)
    assert "filterQuery" in failed(run("models", "list", "--filter", "name ="), 5)
    assert "invalid" in failed(run("artifacts", "show", "abc"), 5)


def test_usage_errors_are_exit_2(run: Run) -> None:
    assert run("models", "list", "--nope").exit_code == 2
    assert run("models", "update", "fraud").exit_code == 2
    assert run("versions", "show", "only-a-model").exit_code == 2
    assert run("artifacts", "list", "fraud").exit_code == 2
    assert run("models", "update", "x", "--set", "novalue").exit_code == 2


def test_shell_completion_script(run: Run) -> None:
    for shell in ("bash", "zsh", "fish"):
        assert "_MODELREG_COMPLETE" in ok(run("completion", shell))
