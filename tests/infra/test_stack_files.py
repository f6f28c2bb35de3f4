"""The example stack files and Pulumi.yaml: run through the root __main__.py as the Pulumi CLI would."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor import config_keys
from root_activity_monitor.program import config as stack_config

from tests.recording import RecordStack

REPO_ROOT = Path(__file__).resolve().parents[2]
NS = "root-activity-monitor"
# The config keys of the project's contract (the notification and deployment interface other teams rely on),
# with the stacks the contract gives them (the other keys are declared by the features that read them).
ALL, HUB, SPOKE_AND_ORG, ORG = ("hub", "spoke", "org"), ("hub",), ("spoke", "org"), ("org",)
DESIGN_KEYS = {
    "mode": ALL,
    "regions": ALL,
    "organizationId": HUB,
    "spokeAccountIds": HUB,
    "notificationEmails": HUB,
    "eventBusName": HUB,
    "batchWindowSeconds": HUB,
    "accountNames": HUB,
    "hubEventBusArn": SPOKE_AND_ORG,
    "hubStack": SPOKE_AND_ORG,
    "organizationalUnitIds": ORG,
    "callAs": ORG,
    "stackSetName": ORG,
    "organizationsRoleArn": HUB,
    "expectedRootUse": HUB,
    "highPriorityEndpoints": HUB,
    "runbookBaseUrl": HUB,
    # DESIGN.md gives it to the org stack (`off` there lends no audit role); the hub reads it too, as the
    # audit's schedule runs beside the hub's table and topic (docs/posture.md).
    "postureSchedule": ("hub", "org"),
}


def load_yaml(name: str) -> dict[str, Any]:
    """A YAML file at the repository root."""
    loaded = yaml.safe_load((REPO_ROOT / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def project_defaults() -> dict[str, Any]:
    """The defaults Pulumi.yaml declares, as the CLI would apply them to a stack."""
    return {
        key: schema["default"]
        for key, schema in load_yaml("Pulumi.yaml")["config"].items()
        if "default" in schema
    }


def stack_file_config(stack: str) -> dict[str, Any]:
    """Pulumi.yaml defaults overlaid with a stack file's config, keys without the project namespace."""
    config = project_defaults()
    for key, value in load_yaml(f"Pulumi.{stack}.yaml")["config"].items():
        config[key.removeprefix(f"{NS}:")] = value
    return config


def run_root_main() -> None:
    """The program exactly as Pulumi runs it: the repository's __main__.py."""
    runpy.run_path(str(REPO_ROOT / "__main__.py"), run_name="__main__")


def test_hub_stack_file_deploys_the_hub(record_stack: RecordStack) -> None:
    """GIVEN Pulumi.hub.yaml WHEN __main__.py runs in the hub account THEN the hub exports its six outputs."""
    recorded = record_stack(
        stack_file_config("hub"), program=run_root_main, account_id="111111111111", stack="hub"
    )
    assert set(recorded.exports) == {
        "eventBusArn",
        "eventBusName",
        "topicArn",
        "queueUrl",
        "deadLetterQueueArn",
        "functionName",
        "heartbeatIntervalMinutes",
    }
    assert (
        recorded.exports["eventBusArn"]
        == "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
    )
    # A hub bus route per kind (root activity, tamper, heartbeat); two forwarding rules in each region (root
    # activity or heartbeats, tamper).
    assert len(recorded.of_type("aws:cloudwatch/eventRule:EventRule")) == 3 + 2 * 3
    assert recorded.warnings == []


def test_org_stack_file_rolls_out_to_the_hub_stack_files_bus(record_stack: RecordStack) -> None:
    """GIVEN Pulumi.org.yaml WHEN __main__.py runs in the management account THEN its StackSet sends every
    member account to the hub stack's bus, with no warning."""
    hub = record_stack(
        stack_file_config("hub"), program=run_root_main, account_id="111111111111", stack="hub"
    )
    org = record_stack(
        stack_file_config("org"), program=run_root_main, account_id="999999999999", stack="org"
    )
    assert set(org.exports) == {
        "stackSetName",
        "stackSetArn",
        "ruleArns",
        "postureAuditRoleArn",
        "organizationsRoleArn",
        "protectionPolicyId",
    }
    stack_set = org.one("aws:cloudformation/stackSet:StackSet")
    assert stack_set.inputs["parameters"]["HubEventBusArn"] == hub.exports["eventBusArn"]
    assert len(org.of_type("aws:cloudformation/stackSetInstance:StackSetInstance")) == 3
    assert org.warnings == []


def test_spoke_stack_file_targets_the_hub_stack_files_bus(record_stack: RecordStack) -> None:
    """GIVEN both example files THEN the spoke's hubEventBusArn is the bus the hub stack exports."""
    hub = record_stack(
        stack_file_config("hub"), program=run_root_main, account_id="111111111111", stack="hub"
    )
    spoke = record_stack(
        stack_file_config("spoke"), program=run_root_main, account_id="222222222222", stack="spoke"
    )
    assert set(spoke.exports) == {"ruleArns", "deliveryRoleArn"}
    assert set(spoke.exports["ruleArns"]) == {"us-east-1", "eu-west-1", "eu-central-1"}
    for target in spoke.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        assert target.inputs["arn"] == hub.exports["eventBusArn"]
    assert spoke.warnings == []


def test_example_stacks_agree_on_regions_and_include_us_east_1() -> None:
    """GIVEN the example files THEN hub and spoke watch the same regions, us-east-1 among them."""
    hub, spoke = stack_file_config("hub"), stack_file_config("spoke")
    assert hub["regions"] == spoke["regions"]
    assert "us-east-1" in hub["regions"] and len(hub["regions"]) >= 3


def test_example_hub_lets_the_example_spoke_account_in() -> None:
    """GIVEN the example files THEN the spoke's account (222222222222) is one the hub admits."""
    assert "222222222222" in stack_file_config("hub")["spokeAccountIds"]


def test_pulumi_yaml_names_the_project_and_uses_uv() -> None:
    """GIVEN Pulumi.yaml THEN the project is root-activity-monitor on the python runtime with uv."""
    project = load_yaml("Pulumi.yaml")
    assert project["name"] == NS == stack_config.NAMESPACE
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}


@pytest.mark.parametrize("stack", ["hub", "spoke", "org"])
def test_stack_files_use_namespaced_keys_and_set_the_region(stack: str) -> None:
    """GIVEN a stack file THEN it sets aws:region and only root-activity-monitor: keys the schema knows."""
    keys = set(load_yaml(f"Pulumi.{stack}.yaml")["config"])
    assert "aws:region" in keys
    project_keys = {key.removeprefix(f"{NS}:") for key in keys if key.startswith(f"{NS}:")}
    assert project_keys <= set(config_keys.BY_NAME)
    mode = load_yaml(f"Pulumi.{stack}.yaml")["config"][f"{NS}:mode"]
    assert all(config_keys.BY_NAME[key].applies_to(mode) for key in project_keys)
    assert keys - {f"{NS}:{key}" for key in project_keys} == {"aws:region"}


def test_the_design_keys_are_declared_for_the_stacks_design_names() -> None:
    """GIVEN the contract's config keys THEN each is declared, for the stacks the contract gives it."""
    assert {name: config_keys.BY_NAME[name].stacks for name in DESIGN_KEYS} == DESIGN_KEYS
