"""OrganizationRollout and `mode: org`: a service-managed StackSet over the OUs in every region."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from root_activity_monitor import ConfigError
from root_activity_monitor.organization_rollout import OrganizationRollout, OrganizationRolloutArgs
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.spoke.template import spoke_template_body

NS = "root-activity-monitor"
MANAGEMENT = "999999999999"
HUB_BUS_ARN = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1"]
OUS = ["ou-ab12-cd34ef56", "r-ab12"]
STACK_SET = "aws:cloudformation/stackSet:StackSet"
INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance"
SPOKE = "root-activity-monitor:index:SpokeForwarder"


@pytest.fixture
def org_config() -> dict[str, Any]:
    """A complete org stack config (a fresh copy per test)."""
    return {
        "aws:region": "us-east-1",
        "mode": "org",
        "regions": list(REGIONS),
        "hubEventBusArn": HUB_BUS_ARN,
        "organizationalUnitIds": list(OUS),
    }


@pytest.fixture
def org_stack(record_stack: Any, org_config: dict[str, Any]) -> RecordedStack:
    """The org program's recorded graph in the management account."""
    return record_stack(org_config, account_id=MANAGEMENT)  # type: ignore[no-any-return]


def test_stack_set_is_service_managed_and_follows_the_organization(org_stack: RecordedStack) -> None:
    """GIVEN the org stack THEN one SERVICE_MANAGED StackSet auto-deploys to new accounts and removes the
    stacks of accounts that leave, with managed execution and the IAM capability its role needs."""
    stack_set = org_stack.one(STACK_SET).inputs
    assert stack_set["name"] == "root-activity-monitor-spoke"
    assert stack_set["permissionModel"] == "SERVICE_MANAGED"
    assert stack_set["autoDeployment"] == {"enabled": True, "retainStacksOnAccountRemoval": False}
    assert stack_set["managedExecution"] == {"active": True}
    assert stack_set["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert stack_set["callAs"] == "SELF"
    assert stack_set["templateBody"] == spoke_template_body()
    assert stack_set["parameters"] == {
        "HubEventBusArn": HUB_BUS_ARN,
        "HubAccountId": "111111111111",
        "HeartbeatScheduleExpression": "rate(60 minutes)",
        "HeartbeatMaximumEventAgeSeconds": "3600",
    }


def test_refresh_ignores_the_administration_role(org_stack: RecordedStack) -> None:
    """GIVEN the StackSet THEN drift of administrationRoleArn (which AWS sets for service-managed sets) is
    ignored."""
    assert "administrationRoleArn" in org_stack.one(STACK_SET).ignore_changes


def test_one_instance_per_region_over_every_ou_rolled_out_in_parallel(org_stack: RecordedStack) -> None:
    """GIVEN three regions THEN each gets stack instances for every OU, regions in parallel with a failure
    tolerance, called as the StackSet is."""
    instances = org_stack.of_type(INSTANCE)
    assert sorted(i.inputs["stackSetInstanceRegion"] for i in instances) == sorted(REGIONS)
    stack_set = org_stack.one(STACK_SET)
    for instance in instances:
        inputs = instance.inputs
        assert inputs["stackSetName"] == stack_set.outputs["name"]
        assert inputs["deploymentTargets"] == {"organizationalUnitIds": OUS}
        assert inputs["callAs"] == "SELF"
        assert inputs["operationPreferences"]["regionConcurrencyType"] == "PARALLEL"
        assert 0 < inputs["operationPreferences"]["failureTolerancePercentage"] < 100
        assert inputs["retainStack"] is False


def test_management_account_is_covered_by_its_own_forwarder(org_stack: RecordedStack) -> None:
    """GIVEN SELF (the management account, where StackSets never deploy) THEN a SpokeForwarder covers it in
    every region, and its rules are exported."""
    spoke = org_stack.one(SPOKE)
    rules = [r for r in org_stack.children_of(spoke) if r.type == "aws:cloudwatch/eventRule:EventRule"]
    assert {r.region for r in rules} == set(REGIONS)
    assert set(org_stack.exports["ruleArns"]) == set(REGIONS)
    assert org_stack.exports["stackSetName"] == "root-activity-monitor-spoke"


def test_delegated_administrator_calls_as_such_and_does_not_cover_itself(
    record_stack: Any, org_config: dict[str, Any]
) -> None:
    """GIVEN callAs DELEGATED_ADMIN THEN StackSet and instances say so, and no own forwarder is made (the
    delegated administrator is a member account the StackSet reaches)."""
    recorded = record_stack({**org_config, "callAs": "DELEGATED_ADMIN"}, account_id="444444444444")
    assert recorded.one(STACK_SET).inputs["callAs"] == "DELEGATED_ADMIN"
    assert {i.inputs["callAs"] for i in recorded.of_type(INSTANCE)} == {"DELEGATED_ADMIN"}
    assert recorded.of_type(SPOKE) == []


def test_hub_bus_from_a_stack_reference(record_stack: Any, org_config: dict[str, Any]) -> None:
    """GIVEN hubStack instead of hubEventBusArn THEN the StackSet's parameters come from the hub's outputs."""
    del org_config["hubEventBusArn"]
    org_config["hubStack"] = "my-org/root-activity-monitor/hub"
    recorded = record_stack(
        org_config,
        account_id=MANAGEMENT,
        stack_outputs={"my-org/root-activity-monitor/hub": {"eventBusArn": HUB_BUS_ARN}},
    )
    assert recorded.one(STACK_SET).inputs["parameters"]["HubEventBusArn"] == HUB_BUS_ARN


def test_component_from_another_program(record_stack: Any) -> None:
    """GIVEN OrganizationRollout built directly with a custom StackSet name and tags THEN both are used."""
    recorded = record_stack(
        {},
        program=lambda: OrganizationRollout(
            "rollout",
            OrganizationRolloutArgs(
                hub_event_bus_arn=HUB_BUS_ARN,
                regions=["us-east-1"],
                organizational_unit_ids=["r-ab12"],
                stack_set_name="security-root-monitor",
                tags={"team": "security"},
            ),
        ),
        account_id=MANAGEMENT,
    )
    stack_set = recorded.one(STACK_SET).inputs
    assert stack_set["name"] == "security-root-monitor"
    assert stack_set["tags"] == {"team": "security"}
    assert json.loads(stack_set["templateBody"])["Resources"]


ORG_ERRORS = [
    pytest.param(
        {"organizationalUnitIds": None},
        f"{NS}:organizationalUnitIds must list at least one OU ID",
        id="ous-missing",
    ),
    pytest.param(
        {"organizationalUnitIds": ["ou-12"]},
        f"{NS}:organizationalUnitIds[0] must be an organizational unit ID like 'ou-ab12-cd34ef56'",
        id="ou-malformed",
    ),
    pytest.param(
        {"organizationalUnitIds": ["o-a1b2c3d4e5"]},
        f"{NS}:organizationalUnitIds[0] must be an organizational unit ID",
        id="organization-id-is-not-an-ou",
    ),
    pytest.param({"callAs": "ADMIN"}, f"{NS}:callAs must be 'SELF'", id="call-as"),
    pytest.param({"stackSetName": "1st"}, f"{NS}:stackSetName must be a StackSet name", id="stack-set-name"),
    pytest.param(
        {"hubEventBusArn": None},
        "an org stack needs exactly one of root-activity-monitor:hubEventBusArn",
        id="no-hub",
    ),
]


@pytest.mark.parametrize(("changes", "message"), ORG_ERRORS)
def test_bad_org_config_fails_naming_the_key(
    record_stack: Any, org_config: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    """GIVEN an org config with one bad value WHEN the program runs THEN ConfigError names the key."""
    for key, value in changes.items():
        if value is None:
            org_config.pop(key)
        else:
            org_config[key] = value
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack(org_config, account_id=MANAGEMENT)
