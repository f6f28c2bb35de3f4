"""The pack as the Pulumi CLI loads it: its project file, requirements and entry point."""

from __future__ import annotations

import runpy
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pulumi_policy
import pytest
import yaml
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from root_activity_policies import ALL_POLICIES, GLOBAL_REGION_POLICY, PACK_NAME

REPO_ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = REPO_ROOT / "policy"


class PackRecorder:
    """Stands in for PolicyPack, whose constructor would start a gRPC server and block."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def test_entry_point_serves_every_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the pack folder WHEN run the way the CLI's Python host runs it THEN one PolicyPack gets all."""
    recorder = PackRecorder()
    monkeypatch.setattr(pulumi_policy, "PolicyPack", recorder)
    # pulumi/policy/__main__.py (the analyzer host in the pulumi SDK) runs the pack's folder this way.
    runpy.run_path(str(PACK_DIR), run_name="__main__")
    assert recorder.calls == [{"name": PACK_NAME, "policies": list(ALL_POLICIES)}]


def test_importing_the_policies_starts_no_server() -> None:
    """GIVEN a fresh interpreter WHEN it imports every module of the policies package THEN it returns at once,
    printing nothing (a PolicyPack would print its port and serve forever)."""
    script = (
        "import importlib, pkgutil, root_activity_policies as package\n"
        "for module in pkgutil.iter_modules(package.__path__):\n"
        "    importlib.import_module(f'{package.__name__}.{module.name}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PACK_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_project_file_names_the_python_runtime() -> None:
    """GIVEN PulumiPolicy.yaml WHEN the CLI reads it THEN it names runtime python, a version, a summary."""
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["version"]
    assert project["description"]


def test_requirements_pin_the_sdk_the_tests_ran() -> None:
    """GIVEN the pack's requirements and the dev group WHEN compared THEN both pin the same pulumi-policy."""
    lines = (PACK_DIR / "requirements.txt").read_text().splitlines()
    requirements = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    dev_group = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    (pinned,) = [entry for entry in dev_group if entry.startswith("pulumi-policy")]
    assert requirements == [pinned]
    assert "==" in pinned


def test_policy_names_are_unique_and_levels_explicit() -> None:
    """GIVEN every policy WHEN the pack registers them THEN names are unique and each says its enforcement."""
    names = [policy.name for policy in ALL_POLICIES]
    assert len(names) == len(set(names))
    levels = {policy.name: policy.enforcement_level for policy in ALL_POLICIES}
    assert levels[GLOBAL_REGION_POLICY.name] == EnforcementLevel.ADVISORY
    assert all(level is not None for level in levels.values())
    # us-east-1 coverage, a tamper rule beside every forwarding rule, an alarm on every dead-letter queue.
    assert sum(isinstance(policy, StackValidationPolicy) for policy in ALL_POLICIES) == 3
