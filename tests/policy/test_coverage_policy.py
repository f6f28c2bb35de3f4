"""The us-east-1 stack policy on mutated copies of the example graphs."""

from __future__ import annotations

import dataclasses

from recorded_policy_args import mutated, violations
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import GLOBAL_REGION_POLICY

RULE = "aws:cloudwatch/eventRule:EventRule"
US_EAST_1_RULE = "root-activity-monitor-forward-us-east-1-rule"


def test_stack_without_a_us_east_1_rule_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN the spoke with its us-east-1 rule moved to eu-north-1 WHEN validated
    THEN the stack is reported with the config key to fix."""
    rule = spoke_stack.named(RULE, US_EAST_1_RULE)
    stack = mutated(spoke_stack, rule, inputs={"region": "eu-north-1"})
    ((name, message),) = violations(GLOBAL_REGION_POLICY, stack)
    assert name is None  # the stack as a whole, not one rule
    assert "['eu-central-1', 'eu-north-1', 'eu-west-1']" in message
    assert "Fix: add us-east-1 to the root-activity-monitor:regions config key" in message


def test_rule_without_region_takes_the_providers(hub_stack: RecordedStack) -> None:
    """GIVEN the us-east-1 rule without a region, its provider in eu-west-1, WHEN validated THEN reported."""
    rule = hub_stack.named(RULE, US_EAST_1_RULE)
    assert hub_stack.default_region == "eu-west-1"
    ((_, message),) = violations(GLOBAL_REGION_POLICY, mutated(hub_stack, rule, drop=["region"]))
    assert "not from us-east-1" in message


def test_hub_bus_rule_does_not_count_as_forwarding(hub_stack: RecordedStack) -> None:
    """GIVEN a hub in us-east-1 whose forwarding rules leave us-east-1 out WHEN validated THEN it is reported:
    the hub bus rule there sees forwarded events only, not the hub account's own sign-ins."""
    hub_rule = hub_stack.named(RULE, "root-activity-monitor-notify-rule")
    in_us_east_1 = mutated(hub_stack, hub_rule, outputs={"region": "us-east-1"})
    us_east_1_rule = in_us_east_1.named(RULE, US_EAST_1_RULE)
    stack = dataclasses.replace(in_us_east_1, resources=[r for r in in_us_east_1 if r is not us_east_1_rule])
    ((name, message),) = violations(GLOBAL_REGION_POLICY, stack)
    assert name is None
    assert "['eu-central-1', 'eu-west-1']" in message


def test_stack_that_forwards_nothing_is_not_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a stack with no forwarding rule at all WHEN validated THEN there is nothing to report."""
    stack = dataclasses.replace(spoke_stack, resources=[r for r in spoke_stack if r.type != RULE])
    assert violations(GLOBAL_REGION_POLICY, stack) == []
