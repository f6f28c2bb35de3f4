"""The self-monitoring stack policies on the example graphs, and on copies missing a tamper rule or alarm."""

from __future__ import annotations

import dataclasses

import pytest
from recorded_policy_args import mutated, violations
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_EVENT_PATTERN
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import DEAD_LETTER_ALARM_POLICY, TAMPER_RULE_POLICY

RULE = "aws:cloudwatch/eventRule:EventRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def without(stack: RecordedStack, name: str) -> RecordedStack:
    """The stack with the resource of that logical name left out."""
    kept = [resource for resource in stack.resources if resource.name != name]
    assert len(kept) == len(stack.resources) - 1, name
    return dataclasses.replace(stack, resources=kept)


@pytest.mark.parametrize("stack_fixture", ["hub_stack", "spoke_stack", "org_stack"])
def test_example_stacks_watch_themselves(request: pytest.FixtureRequest, stack_fixture: str) -> None:
    """GIVEN each example stack THEN every forwarding region has its tamper rule and every DLQ its alarm or
    the heartbeat."""
    stack: RecordedStack = request.getfixturevalue(stack_fixture)
    assert violations(TAMPER_RULE_POLICY, stack) == []
    assert violations(DEAD_LETTER_ALARM_POLICY, stack) == []


def test_forwarding_region_without_tamper_rule_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN the spoke without its eu-west-1 tamper rule WHEN validated THEN that region is named."""
    stack = without(spoke_stack, "root-activity-monitor-forward-eu-west-1-tamper-rule")
    ((name, message),) = violations(TAMPER_RULE_POLICY, stack)
    assert name is None
    assert "['eu-west-1'] without a tamper rule" in message
    assert "Fix: forward tamper events" in message


def test_dead_letter_queue_without_alarm_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the hub without the alarm on the buffer's DLQ WHEN validated THEN that queue is named."""
    stack = without(hub_stack, "root-activity-monitor-buffer-dlq-alarm")
    ((name, message),) = violations(DEAD_LETTER_ALARM_POLICY, stack)
    assert name is None
    assert "Dead-letter queue root-activity-monitor-buffer-dlq has no alarm" in message


def test_forwarding_dead_letter_queue_of_a_rule_without_heartbeats_is_reported(
    spoke_stack: RecordedStack,
) -> None:
    """GIVEN a spoke whose eu-west-1 rule matches root activity alone (no heartbeat passes it) WHEN validated
    THEN that region's unalarmed DLQ is named, and only that one."""
    rule = spoke_stack.named(RULE, "root-activity-monitor-forward-eu-west-1-rule")
    stack = mutated(spoke_stack, rule, inputs={"eventPattern": ROOT_ACTIVITY_EVENT_PATTERN})
    ((name, message),) = violations(DEAD_LETTER_ALARM_POLICY, stack)
    assert name is None
    assert "Dead-letter queue root-activity-monitor-forward-eu-west-1-dlq has no alarm" in message
    assert "carries the heartbeat" in message
