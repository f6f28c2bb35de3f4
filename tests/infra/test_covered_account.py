"""A covered account is the same wherever it is deployed: a spoke, and the hub's own account, by region."""

from __future__ import annotations

from typing import Any

import pytest
from infra_fixtures import COMPONENT, REGIONS, ROLE, RULE
from root_activity_monitor.simulate import RecordedResource, RecordedStack

FORWARD = f"{COMPONENT}-forward"
HEARTBEAT_ROLE = f"{FORWARD}-heartbeat-role"


def covered(stack: RecordedStack) -> set[tuple[str, str]]:
    """(type, logical name) of what a stack deploys to cover its own account."""
    return {(r.type, r.name) for r in stack.resources if r.name.startswith(f"{FORWARD}-")}


def with_role_named(value: Any, role_arn: str) -> Any:
    """A pattern with the account's heartbeat role ARN replaced by a placeholder, so two accounts compare."""
    if value == role_arn:
        return "<heartbeat role>"
    if isinstance(value, dict):
        return {key: with_role_named(item, role_arn) for key, item in value.items()}
    if isinstance(value, list):
        return [with_role_named(item, role_arn) for item in value]
    return value


def rule_pattern(stack: RecordedStack, rule: RecordedResource) -> Any:
    return with_role_named(rule.json_input("eventPattern"), str(stack.named(ROLE, HEARTBEAT_ROLE).arn))


def test_the_hub_covers_its_own_account_with_exactly_a_spoke_s_resources(
    hub_stack: RecordedStack, spoke_stack: RecordedStack
) -> None:
    """GIVEN a hub and a spoke over the same regions THEN the hub deploys, for its own account, the same
    resources under the same names as the spoke does for a member account."""
    assert covered(hub_stack) == covered(spoke_stack)
    assert covered(spoke_stack)


@pytest.mark.parametrize("region", REGIONS)
def test_the_hub_s_own_rules_forward_what_a_spoke_s_rules_forward(
    hub_stack: RecordedStack, spoke_stack: RecordedStack, region: str
) -> None:
    """GIVEN a region THEN each rule of the hub's own account has the spoke's pattern, state and target
    settings, but for the tamper rule, which also watches the resources only the hub has."""
    for name in {n for t, n in covered(spoke_stack) if t == RULE and f"-{region}-" in n}:
        hub, spoke = hub_stack.named(RULE, name), spoke_stack.named(RULE, name)
        assert hub.inputs["state"] == spoke.inputs["state"]
        assert hub.inputs["region"] == spoke.inputs["region"] == region
        if name.endswith("-tamper-rule"):
            hub_branches = hub.json_input("eventPattern")["detail"]["$or"]
            assert all(branch in hub_branches for branch in spoke.json_input("eventPattern")["detail"]["$or"])
        else:
            assert rule_pattern(hub_stack, hub) == rule_pattern(spoke_stack, spoke), name
