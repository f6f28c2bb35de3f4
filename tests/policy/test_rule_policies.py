"""Rule and target policies on mutated copies of the example graphs: each mistake is reported with its fix."""

from __future__ import annotations

import dataclasses
import json

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from recorded_policy_args import mutated, violations, with_resource
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import RULE_PATTERN_POLICY, RULE_STATE_POLICY, TARGET_DELIVERY_POLICY

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
FORWARDING_RULE = "root-activity-monitor-forward-us-east-1-rule"
FORWARDING_TARGET = "root-activity-monitor-forward-us-east-1-target"


def test_rule_in_state_enabled_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a forwarding rule in state ENABLED WHEN validated THEN it is reported with the state to set."""
    rule = spoke_stack.named(RULE, FORWARDING_RULE)
    reported = violations(RULE_STATE_POLICY, mutated(spoke_stack, rule, inputs={"state": "ENABLED"}))
    assert [name for name, _ in reported] == [FORWARDING_RULE]
    assert "Fix: set state to 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'" in reported[0][1]


def test_rule_without_state_is_reported_as_enabled(hub_stack: RecordedStack) -> None:
    """GIVEN the hub bus rule without a state WHEN validated THEN it is reported as the provider's ENABLED."""
    rule = hub_stack.named(RULE, "root-activity-monitor-notify-rule")
    ((name, message),) = violations(RULE_STATE_POLICY, mutated(hub_stack, rule, drop=["state"]))
    assert name == rule.name
    assert "ENABLED (the provider's default" in message
    assert "Fix:" in message


def test_root_activity_rule_outside_the_components_is_held_to_the_state(spoke_stack: RecordedStack) -> None:
    """GIVEN a rule with the root-activity pattern outside the components in state ENABLED WHEN validated
    THEN it is reported too: whoever made it relies on it to see root."""
    rule = spoke_stack.named(RULE, FORWARDING_RULE)
    outside = dataclasses.replace(
        rule,
        urn=f"urn:pulumi:spoke::root-activity-monitor::{RULE}::own-root-rule",
        name="own-root-rule",
        inputs={**rule.inputs, "state": "ENABLED"},
    )
    stack = dataclasses.replace(spoke_stack, resources=[*spoke_stack.resources, outside])
    assert [name for name, _ in violations(RULE_STATE_POLICY, stack)] == ["own-root-rule"]


def test_rule_with_a_changed_pattern_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a forwarding rule whose pattern lost the assumed-root branch WHEN validated
    THEN it is reported with the shared pattern to use."""
    rule = spoke_stack.named(RULE, FORWARDING_RULE)
    pattern = json.loads(rule.inputs["eventPattern"])
    pattern["$or"] = pattern["$or"][:1]
    stack = mutated(spoke_stack, rule, inputs={"eventPattern": json.dumps(pattern)})
    ((name, message),) = violations(RULE_PATTERN_POLICY, stack)
    assert name == FORWARDING_RULE
    assert (
        "Fix: set eventPattern to root_activity_monitor.event_pattern.ROOT_ACTIVITY_EVENT_PATTERN" in message
    )


def test_pattern_with_keys_in_another_order_is_the_shared_pattern(spoke_stack: RecordedStack) -> None:
    """GIVEN the shared pattern serialised with its keys in another order WHEN validated THEN it passes."""
    rule = spoke_stack.named(RULE, FORWARDING_RULE)
    pattern = json.loads(rule.inputs["eventPattern"])
    pattern["$or"] = [dict(reversed(list(branch.items()))) for branch in pattern["$or"]]
    reordered = json.dumps(pattern)
    assert reordered != rule.inputs["eventPattern"]
    stack = mutated(spoke_stack, rule, inputs={"eventPattern": reordered})
    assert violations(RULE_PATTERN_POLICY, stack) == []


def test_target_without_dead_letter_queue_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a forwarding target without a DLQ WHEN validated THEN it is reported with how to add one."""
    target = spoke_stack.named(TARGET, FORWARDING_TARGET)
    stack = mutated(spoke_stack, target, drop=["deadLetterConfig"])
    ((name, message),) = violations(TARGET_DELIVERY_POLICY, stack)
    assert name == FORWARDING_TARGET
    assert "no dead-letter queue" in message
    assert "Fix: set dead_letter_config=" in message


def test_target_without_retry_policy_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the hub's buffer target without retry policy WHEN validated THEN it is reported with the fix."""
    target = hub_stack.named(TARGET, "root-activity-monitor-notify-target")
    ((name, message),) = violations(TARGET_DELIVERY_POLICY, mutated(hub_stack, target, drop=["retryPolicy"]))
    assert name == target.name
    assert "Fix: set retry_policy=root_activity_monitor.forwarding.target_retry_policy()" in message


def test_target_that_never_retries_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a target whose retry policy allows 0 attempts WHEN validated THEN it is reported."""
    target = spoke_stack.named(TARGET, FORWARDING_TARGET)
    retry = {**target.inputs["retryPolicy"], "maximumRetryAttempts": 0.0}
    stack = mutated(spoke_stack, target, inputs={"retryPolicy": retry})
    assert [name for name, _ in violations(TARGET_DELIVERY_POLICY, stack)] == [FORWARDING_TARGET]


def test_dead_letter_queue_known_only_after_deploy_counts_as_set(spoke_stack: RecordedStack) -> None:
    """GIVEN a target whose DLQ ARN is unknown, as in a first preview, WHEN validated THEN it passes."""
    target = spoke_stack.named(TARGET, FORWARDING_TARGET)
    stack = mutated(spoke_stack, target, inputs={"deadLetterConfig": {"arn": UNKNOWN_STRING_VALUE}})
    assert violations(TARGET_DELIVERY_POLICY, stack) == []


def test_target_outside_the_components_is_left_alone(spoke_stack: RecordedStack) -> None:
    """GIVEN a target the program adds outside the components without a DLQ WHEN validated THEN no report."""
    target = spoke_stack.named(TARGET, FORWARDING_TARGET)
    outside = dataclasses.replace(
        target,
        urn=f"urn:pulumi:spoke::root-activity-monitor::{TARGET}::own-target",
        inputs={key: value for key, value in target.inputs.items() if key != "deadLetterConfig"},
    )
    stack = with_resource(spoke_stack, target, outside)
    assert outside in stack.resources
    assert violations(TARGET_DELIVERY_POLICY, stack) == []
