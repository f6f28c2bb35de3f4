"""SpokeForwarder: per-region forwarding to the hub bus, its delivery role, and the hub ARN's source."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from infra_fixtures import (
    COMPONENT,
    HUB_ACCOUNT,
    HUB_BUS_ARN,
    QUEUE,
    QUEUE_POLICY,
    REGIONS,
    ROLE,
    ROLE_POLICY,
    RULE,
    SPOKE,
    SPOKE_ACCOUNT,
    STACK_REFERENCE,
    TARGET,
    forwarding_resources,
    heartbeat_resources,
)
from root_activity_monitor import SpokeForwarder, SpokeForwarderArgs, heartbeat
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_RULE_STATE, root_activity_pattern
from root_activity_monitor.policies import MONITOR_NAME_PREFIX
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.tamper import tamper_rule_changes, watching_the_tamper_rule

from tests.recording import RecordStack

EXPECTED_SPOKE_RESOURCES = forwarding_resources() | heartbeat_resources()
DELIVERY_ROLE = f"{COMPONENT}-forward-role"


def test_spoke_registers_exactly_the_documented_resources(spoke_stack: RecordedStack) -> None:
    """GIVEN a 3-region spoke WHEN the program runs THEN it registers forwarding and heartbeat resources."""
    component = spoke_stack.one(SPOKE)
    assert {(r.type, r.name) for r in spoke_stack.children_of(component)} == EXPECTED_SPOKE_RESOURCES
    assert len(spoke_stack.resources) == len(EXPECTED_SPOKE_RESOURCES) + 1


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_has_a_rule_with_the_shared_pattern(spoke_stack: RecordedStack, region: str) -> None:
    """GIVEN a region THEN a rule on its default bus matches root activity, this account's heartbeats, or a
    change to the tamper rule, and sees all management events."""
    rule = spoke_stack.named(RULE, f"{COMPONENT}-forward-{region}-rule")
    assert rule.inputs["region"] == region
    assert "eventBusName" not in rule.inputs
    heartbeat_role = str(spoke_stack.named(ROLE, f"{COMPONENT}-forward-heartbeat-role").arn)
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern == {"$or": [root_activity_pattern(), pattern["$or"][1], *tamper_rule_changes()]}
    assert pattern == json.loads(watching_the_tamper_rule(heartbeat.forwarding_pattern(heartbeat_role)))
    assert rule.inputs["state"] == ROOT_ACTIVITY_RULE_STATE


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_targets_the_hub_bus_with_role_retry_and_dlq(
    spoke_stack: RecordedStack, region: str
) -> None:
    """GIVEN a region THEN it targets the hub bus through the delivery role, with retries and a local DLQ."""
    rule = spoke_stack.named(RULE, f"{COMPONENT}-forward-{region}-rule")
    target = spoke_stack.named(TARGET, f"{COMPONENT}-forward-{region}-target")
    dlq = spoke_stack.named(QUEUE, f"{COMPONENT}-forward-{region}-dlq")
    assert target.inputs["region"] == dlq.inputs["region"] == region
    assert target.inputs["rule"] == rule.outputs["name"]
    assert target.inputs["arn"] == HUB_BUS_ARN
    assert target.inputs["roleArn"] == spoke_stack.named(ROLE, DELIVERY_ROLE).arn
    assert target.inputs["retryPolicy"] == {"maximumEventAgeInSeconds": 14400, "maximumRetryAttempts": 185}
    assert target.inputs["deadLetterConfig"] == {"arn": dlq.arn}
    assert dlq.arn is not None and f":sqs:{region}:{SPOKE_ACCOUNT}:" in dlq.arn
    assert dlq.inputs["sqsManagedSseEnabled"] is True


@pytest.mark.parametrize("region", REGIONS)
def test_each_target_waits_for_its_role_policy_and_dlq_policy(
    spoke_stack: RecordedStack, region: str
) -> None:
    """GIVEN a region's target THEN it waits until the role may put events and the DLQ admits the rule."""
    target = spoke_stack.named(TARGET, f"{COMPONENT}-forward-{region}-target")
    assert spoke_stack.named(ROLE_POLICY, f"{DELIVERY_ROLE}-policy").urn in target.dependencies
    assert (
        spoke_stack.named(QUEUE_POLICY, f"{COMPONENT}-forward-{region}-dlq-policy").urn in target.dependencies
    )


@pytest.mark.parametrize("region", REGIONS)
def test_each_dlq_admits_only_its_own_rules(spoke_stack: RecordedStack, region: str) -> None:
    """GIVEN a region's DLQ THEN its policy lets EventBridge send only for that region's two rules."""
    rules = [
        spoke_stack.named(RULE, f"{COMPONENT}-forward-{region}-{kind}").arn
        for kind in ("rule", "tamper-rule")
    ]
    dlq = spoke_stack.named(QUEUE, f"{COMPONENT}-forward-{region}-dlq")
    policy = spoke_stack.named(QUEUE_POLICY, f"{COMPONENT}-forward-{region}-dlq-policy")
    assert policy.inputs["region"] == region
    assert policy.inputs["queueUrl"] == dlq.outputs["url"]
    (statement,) = policy.json_input("policy")["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == dlq.arn
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": rules}}


def test_delivery_role_is_trusted_by_eventbridge_for_this_account_only(spoke_stack: RecordedStack) -> None:
    """GIVEN the delivery role THEN only EventBridge acting for this account's monitor rules may assume it,
    and its name is one the hub bus admits."""
    role = spoke_stack.named(ROLE, DELIVERY_ROLE)
    (statement,) = role.json_input("assumeRolePolicy")["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": SPOKE_ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{SPOKE_ACCOUNT}:rule/{MONITOR_NAME_PREFIX}*"},
        },
    }
    assert role.inputs["namePrefix"] == "root-activity-monitor-delivery-"
    for rule in spoke_stack.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert str(rule.outputs["name"]).startswith(MONITOR_NAME_PREFIX)


def test_delivery_role_may_only_put_events_on_the_hub_bus(spoke_stack: RecordedStack) -> None:
    """GIVEN the delivery role's policy THEN it allows events:PutEvents on exactly the hub bus ARN."""
    policy = spoke_stack.named(ROLE_POLICY, f"{DELIVERY_ROLE}-policy")
    assert policy.inputs["role"] == spoke_stack.named(ROLE, DELIVERY_ROLE).outputs["name"]
    (statement,) = policy.json_input("policy")["Statement"]
    assert statement == {
        "Sid": "PutEventsOnHubBus",
        "Effect": "Allow",
        "Action": "events:PutEvents",
        "Resource": HUB_BUS_ARN,
    }


def test_spoke_outputs_are_exported(spoke_stack: RecordedStack) -> None:
    """GIVEN the spoke program THEN it exports each region's rule ARN and the delivery role ARN."""
    assert spoke_stack.exports == {
        "ruleArns": {
            region: spoke_stack.named(RULE, f"{COMPONENT}-forward-{region}-rule").arn for region in REGIONS
        },
        "deliveryRoleArn": spoke_stack.named(ROLE, DELIVERY_ROLE).arn,
    }


def test_spoke_reads_the_hub_bus_from_a_stack_reference(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN hubStack instead of hubEventBusArn THEN the hub stack's eventBusArn output becomes the target."""
    del spoke_config["hubEventBusArn"]
    spoke_config["hubStack"] = "acme/root-activity-monitor/hub"
    recorded = record_stack(
        spoke_config,
        account_id=SPOKE_ACCOUNT,
        stack_outputs={"acme/root-activity-monitor/hub": {"eventBusArn": HUB_BUS_ARN}},
    )
    (reference,) = [read for read in recorded.reads if read.type == STACK_REFERENCE]
    assert reference.inputs["name"] == "acme/root-activity-monitor/hub"
    for region in REGIONS:
        assert recorded.named(TARGET, f"{COMPONENT}-forward-{region}-target").inputs["arn"] == HUB_BUS_ARN
    (statement,) = recorded.named(ROLE_POLICY, f"{DELIVERY_ROLE}-policy").json_input("policy")["Statement"]
    assert statement["Resource"] == HUB_BUS_ARN


def test_a_malformed_arn_from_the_stack_reference_fails_with_the_argument_named(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a hub stack whose eventBusArn is not a bus ARN THEN the program fails naming the argument."""
    del spoke_config["hubEventBusArn"]
    spoke_config["hubStack"] = "hub"
    # Pulumi wraps a ValueError raised while resolving an input with the resource it was resolving for.
    with pytest.raises(ValueError, match=r"hub_event_bus_arn must be an event bus ARN"):
        record_stack(spoke_config, stack_outputs={"hub": {"eventBusArn": "arn:aws:sqs:eu-west-1:1:q"}})


def test_spoke_in_the_hub_account_warns_and_still_deploys(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a spoke in the hub bus's account THEN it warns that the hub covers itself, and deploys."""
    recorded = record_stack(spoke_config, account_id=HUB_ACCOUNT)
    assert any("already forwards its own root activity" in warning for warning in recorded.warnings)
    assert len(recorded.of_type(RULE)) == 2 * len(REGIONS)  # root activity (and heartbeats), tamper


def test_spoke_in_a_member_account_does_not_warn(spoke_stack: RecordedStack) -> None:
    """GIVEN a spoke in a member account THEN no warning is logged."""
    assert spoke_stack.warnings == []


def test_spoke_in_the_hub_account_warns_for_a_stack_reference_too(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN the hub ARN from a stack reference and the hub's account THEN the warning still appears."""
    del spoke_config["hubEventBusArn"]
    spoke_config["hubStack"] = "hub"
    recorded = record_stack(
        spoke_config, account_id=HUB_ACCOUNT, stack_outputs={"hub": {"eventBusArn": HUB_BUS_ARN}}
    )
    assert any("already forwards its own root activity" in warning for warning in recorded.warnings)


def test_component_takes_an_explicit_account_id(record_stack: RecordStack) -> None:
    """GIVEN account_id as an argument THEN the trust policy uses it instead of the caller identity."""

    def program() -> None:
        SpokeForwarder(
            "spoke",
            SpokeForwarderArgs(
                hub_event_bus_arn=pulumi.Output.from_input(HUB_BUS_ARN), regions=["us-east-1"]
            ),
        )
        SpokeForwarder(
            "other",
            SpokeForwarderArgs(
                hub_event_bus_arn=HUB_BUS_ARN, regions=["us-east-1"], account_id="444444444444"
            ),
        )

    recorded = record_stack({}, program=program, account_id=SPOKE_ACCOUNT)
    trust = {
        role.name: role.json_input("assumeRolePolicy")["Statement"][0]["Condition"]["StringEquals"][
            "aws:SourceAccount"
        ]
        for role in recorded.of_type(ROLE)
        if "heartbeat" not in role.name
    }
    assert trust == {"spoke-forward-role": SPOKE_ACCOUNT, "other-forward-role": "444444444444"}
