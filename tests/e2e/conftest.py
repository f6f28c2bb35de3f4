"""Fixtures for the end-to-end tests: the example stack files, variants of them, and one shared run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor.simulate import SimulationReport

from tests.e2e.command import CommandRun, run_command

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_HUB = REPO_ROOT / "Pulumi.hub.yaml"
EXAMPLE_SPOKE = REPO_ROOT / "Pulumi.spoke.yaml"
NAMESPACE = "root-activity-monitor"

StackWriter = Callable[..., Path]


@pytest.fixture(scope="session")
def example_hub() -> Path:
    """The repository's example hub stack file."""
    return EXAMPLE_HUB


@pytest.fixture(scope="session")
def example_spoke() -> Path:
    """The repository's example spoke stack file."""
    return EXAMPLE_SPOKE


@pytest.fixture(scope="session")
def example_run() -> CommandRun:
    """`simulate --hub Pulumi.hub.yaml --spoke Pulumi.spoke.yaml`, run once for the tests that read it."""
    return run_command(["simulate", "--hub", str(EXAMPLE_HUB), "--spoke", str(EXAMPLE_SPOKE)])


@pytest.fixture(scope="session")
def example_report(example_run: CommandRun) -> SimulationReport:
    """The report of that run: the repository's example hub and spoke, simulated."""
    return example_run.report


@pytest.fixture
def write_stack(tmp_path: Path) -> StackWriter:
    """Write a copy of an example stack file with some config keys changed (None removes a key)."""

    def write(example: Path, name: str, **changes: Any) -> Path:
        document = yaml.safe_load(example.read_text())
        config = document["config"]
        for key, value in changes.items():
            full_key = key if ":" in key else f"{NAMESPACE}:{key}"
            if value is None:
                config.pop(full_key, None)
            else:
                config[full_key] = value
        path = tmp_path / f"Pulumi.{name}.yaml"
        path.write_text(yaml.safe_dump(document))
        return path

    return write
