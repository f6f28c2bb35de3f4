"""Every policy of the pack passes the example stacks as the program builds them."""

from __future__ import annotations

from recorded_policy_args import violations
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import ALL_POLICIES


def test_example_stacks_comply(example_stack: RecordedStack) -> None:
    """GIVEN the hub or spoke example stack WHEN every policy of the pack validates it THEN none reports."""
    reported = {policy.name: violations(policy, example_stack) for policy in ALL_POLICIES}
    assert reported == {policy.name: [] for policy in ALL_POLICIES}


def test_example_stacks_hold_what_the_policies_inspect(hub_stack: RecordedStack) -> None:
    """GIVEN the hub example WHEN its graph is read THEN it has each kind of resource the policies check.

    Without them, the compliance test above would pass for want of anything to check.
    """
    types = {resource.type.rsplit(":", 1)[-1] for resource in hub_stack}
    assert {"EventRule", "EventTarget", "Topic", "Queue", "Key", "EventBusPolicy", "RolePolicy"} <= types
