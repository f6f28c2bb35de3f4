"""The example stack files and Pulumi.yaml: run through the root __main__.py as the Pulumi CLI would."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor import settings as hub_settings
from root_activity_monitor.program import config as stack_config

REPO_ROOT = Path(__file__).resolve().parents[2]
NS = "root-activity-monitor"
# Every key of DESIGN.md's config table. accountNames is a map, which a project config schema cannot
# type, so Pulumi.yaml documents it in a comment instead of declaring it.
DESIGN_KEYS = {
    "mode",
    "regions",
    "organizationId",
    "spokeAccountIds",
    "notificationEmails",
    "eventBusName",
    "batchWindowSeconds",
    "accountNames",
    "hubEventBusArn",
    "hubStack",
}
# Keys the project adds beyond DESIGN.md's table (DESIGN.md's org keys are listed there too).
PROJECT_KEYS = DESIGN_KEYS | {
    "tags",
    "organizationalUnitIds",
    "callAs",
    "stackSetName",
    "deployerPrincipalArns",
    "heartbeatIntervalMinutes",
    "heartbeatSilentIntervals",
    "organizationsRoleArn",
}
# Maps, which a project config schema cannot type: Pulumi.yaml documents them in a comment.
MAP_KEYS = {"accountNames", "tags"}


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


def test_hub_stack_file_deploys_the_hub(record_stack: Any) -> None:
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
        "healthTopicArns",
    }
    assert (
        recorded.exports["eventBusArn"]
        == "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
    )
    # Per kind (root activity, tamper, heartbeat): one hub bus rule and one forwarding rule in each region.
    assert len(recorded.of_type("aws:cloudwatch/eventRule:EventRule")) == 3 * (1 + 3)
    assert recorded.warnings == []


def test_org_stack_file_rolls_out_to_the_hub_stack_files_bus(record_stack: Any) -> None:
    """GIVEN Pulumi.org.yaml WHEN __main__.py runs in the management account THEN its StackSet sends every
    member account to the hub stack's bus, with no warning."""
    hub = record_stack(
        stack_file_config("hub"), program=run_root_main, account_id="111111111111", stack="hub"
    )
    org = record_stack(
        stack_file_config("org"), program=run_root_main, account_id="999999999999", stack="org"
    )
    assert set(org.exports) == {"stackSetName", "stackSetArn", "ruleArns", "organizationsRoleArn"}
    stack_set = org.one("aws:cloudformation/stackSet:StackSet")
    assert stack_set.inputs["parameters"]["HubEventBusArn"] == hub.exports["eventBusArn"]
    assert len(org.of_type("aws:cloudformation/stackSetInstance:StackSetInstance")) == 3
    assert org.warnings == []


def test_spoke_stack_file_targets_the_hub_stack_files_bus(record_stack: Any) -> None:
    """GIVEN both example files THEN the spoke's hubEventBusArn is the bus the hub stack exports."""
    hub = record_stack(
        stack_file_config("hub"), program=run_root_main, account_id="111111111111", stack="hub"
    )
    spoke = record_stack(
        stack_file_config("spoke"), program=run_root_main, account_id="222222222222", stack="spoke"
    )
    assert set(spoke.exports) == {"ruleArns", "deliveryRoleArn", "healthTopicArns"}
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


def test_pulumi_yaml_declares_every_design_key_with_a_type_and_description() -> None:
    """GIVEN Pulumi.yaml THEN each config key of DESIGN.md is declared with type and description."""
    schema = load_yaml("Pulumi.yaml")["config"]
    assert set(schema) == PROJECT_KEYS - MAP_KEYS
    for key in MAP_KEYS:
        assert f"`{key}`" in (REPO_ROOT / "Pulumi.yaml").read_text()  # documented in a comment
    for key, declaration in schema.items():
        assert declaration["type"] in {"string", "integer", "boolean", "array"}, key
        assert declaration["description"].strip(), key
        if declaration["type"] == "array":
            assert declaration["items"] == {"type": "string"}, key


def test_only_mode_is_required_by_the_schema() -> None:
    """GIVEN Pulumi.yaml THEN every key but mode has a default (a declared key without one is required)."""
    schema = load_yaml("Pulumi.yaml")["config"]
    assert {key for key, declaration in schema.items() if "default" not in declaration} == {"mode"}


def test_schema_defaults_match_the_programs_defaults() -> None:
    """GIVEN Pulumi.yaml THEN its defaults are the ones the program applies when a key is absent."""
    defaults = project_defaults()
    assert defaults["eventBusName"] == hub_settings.DEFAULT_EVENT_BUS_NAME
    assert defaults["batchWindowSeconds"] == hub_settings.DEFAULT_BATCH_WINDOW_SECONDS
    assert defaults["callAs"] == hub_settings.DEFAULT_CALL_AS
    assert defaults["stackSetName"] == hub_settings.DEFAULT_STACK_SET_NAME
    assert defaults["heartbeatIntervalMinutes"] == hub_settings.DEFAULT_HEARTBEAT_INTERVAL_MINUTES
    assert defaults["heartbeatSilentIntervals"] == hub_settings.DEFAULT_HEARTBEAT_SILENT_INTERVALS
    named = {
        "eventBusName",
        "batchWindowSeconds",
        "callAs",
        "stackSetName",
        "heartbeatIntervalMinutes",
        "heartbeatSilentIntervals",
    }
    assert {key: value for key, value in defaults.items() if key not in named} == {
        "regions": [],
        "organizationId": "",
        "spokeAccountIds": [],
        "notificationEmails": [],
        "hubEventBusArn": "",
        "hubStack": "",
        "organizationalUnitIds": [],
        "deployerPrincipalArns": [],
        "organizationsRoleArn": "",
    }


@pytest.mark.parametrize("stack", ["hub", "spoke", "org"])
def test_stack_files_use_namespaced_keys_and_set_the_region(stack: str) -> None:
    """GIVEN a stack file THEN it sets aws:region and only root-activity-monitor: keys the schema knows."""
    keys = set(load_yaml(f"Pulumi.{stack}.yaml")["config"])
    assert "aws:region" in keys
    project_keys = {key.removeprefix(f"{NS}:") for key in keys if key.startswith(f"{NS}:")}
    assert project_keys <= PROJECT_KEYS
    assert keys - {f"{NS}:{key}" for key in project_keys} == {"aws:region"}


def test_program_reads_exactly_the_project_keys() -> None:
    """GIVEN the stack config front end THEN the keys it reads for hub and spoke are the project's keys."""
    read = {
        "mode",
        stack_config.HUB_STACK_KEY,
        *stack_config.HUB_KEYS.values(),
        *stack_config.SPOKE_KEYS.values(),
        *stack_config.ORG_KEYS.values(),
    }
    assert read == PROJECT_KEYS
