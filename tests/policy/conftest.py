"""The example stacks' recorded graphs, as the policy tests run the pack's policies on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor.simulate import RecordedStack

from tests.recording import RecordStack

REPO_ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "root-activity-monitor"
HUB_ACCOUNT = "111111111111"
SPOKE_ACCOUNT = "222222222222"
MANAGEMENT_ACCOUNT = "999999999999"


def example_config(stack: str) -> dict[str, Any]:
    """Pulumi.yaml's defaults overlaid with Pulumi.<stack>.yaml's config, as the CLI gives the program."""
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())
    config = {
        f"{NAMESPACE}:{key}": schema["default"]
        for key, schema in project["config"].items()
        if "default" in schema
    }
    config.update(yaml.safe_load((REPO_ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
    return config


@pytest.fixture
def hub_stack(record_stack: RecordStack) -> RecordedStack:
    """Pulumi.hub.yaml evaluated in the hub account."""
    return record_stack(example_config("hub"), account_id=HUB_ACCOUNT, stack="hub")


@pytest.fixture
def spoke_stack(record_stack: RecordStack) -> RecordedStack:
    """Pulumi.spoke.yaml evaluated in a member account."""
    return record_stack(example_config("spoke"), account_id=SPOKE_ACCOUNT, stack="spoke")


@pytest.fixture
def org_stack(record_stack: RecordStack) -> RecordedStack:
    """Pulumi.org.yaml evaluated in the management account."""
    return record_stack(example_config("org"), account_id=MANAGEMENT_ACCOUNT, stack="org")


@pytest.fixture(params=["hub", "spoke", "org"])
def example_stack(request: pytest.FixtureRequest) -> RecordedStack:
    """Each example stack in turn."""
    return request.getfixturevalue(f"{request.param}_stack")  # type: ignore[no-any-return]
