"""The GitHub workflows as text and as data, and the two offline validators run from this test's own venv."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
PREVIEW = WORKFLOWS / "preview.yml"
CI = WORKFLOWS / "ci.yml"


def load_workflow(path: Path) -> dict[Any, Any]:
    """The workflow as data, with `on:` under the key "on" (YAML 1.1 reads a bare `on` as True)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    """Every step of every job, in file order."""
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def steps_using(workflow: dict[Any, Any], action: str) -> list[dict[str, Any]]:
    """The steps whose `uses:` names `action` (owner/name), whatever the ref."""
    return [step for step in all_steps(workflow) if step.get("uses", "").split("@")[0] == action]


@dataclass(frozen=True)
class Verdict:
    """What one validator said: its exit code and the names of what it found."""

    exit_code: int
    findings: list[str]
    output: str


def tool(name: str) -> str:
    """A console script installed next to the interpreter running the tests (the project's venv)."""
    script = Path(sys.executable).parent / name
    assert script.exists(), f"{name} is not installed next to {sys.executable}: run `uv sync`"
    return str(script)


def check_jsonschema(*paths: Path) -> Verdict:
    """Validate workflows against GitHub's workflow schema, bundled with check-jsonschema (no network)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run(
        [*command, "-o", "json", *map(str, paths)], check=False, capture_output=True, text=True
    )
    report = json.loads(result.stdout)
    return Verdict(result.returncode, [error["path"] for error in report["errors"]], result.stdout)


def zizmor(*paths: Path) -> Verdict:
    """Audit workflows with zizmor offline, in the persona .ci/run uses; findings are audit names."""
    command = [tool("zizmor"), "--offline", "--persona=auditor", "--format=json", *map(str, paths)]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    findings = [finding["ident"] for finding in json.loads(result.stdout)]
    return Verdict(result.returncode, findings, result.stdout + result.stderr)


def plant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    """A copy of `source` under tmp_path/.github/workflows with one mistake planted (`old` becomes `new`)."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {source.name} to plant a mistake"
    target = tmp_path / ".github" / "workflows" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target
