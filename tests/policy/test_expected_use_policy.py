"""The pack flags expected-root-use windows that are long or untraceable, in whatever program built them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from recorded_policy_args import violations
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import EXPECTED_USE_POLICY

FUNCTION = "aws:lambda/function:Function"
NOTIFIER = "root-activity-monitor-notifier"
WINDOW = {
    "accountIds": ["222222222222"],
    "start": "2026-12-01T09:00:00Z",
    "end": "2026-12-08T09:00:00Z",
    "ticket": "CHG-1234",
    "approver": "Dana",
}


def with_windows(stack: RecordedStack, windows: Any) -> RecordedStack:
    """The hub graph with the notifier's EXPECTED_ROOT_USE replaced, as a program skipping checks would."""
    resources = []
    for resource in stack.resources:
        changed = resource
        if resource.type == FUNCTION and resource.name == NOTIFIER:
            environment = resource.inputs["environment"]
            variables = {**environment["variables"], "EXPECTED_ROOT_USE": json.dumps(windows)}
            inputs = {**resource.inputs, "environment": {**environment, "variables": variables}}
            changed = dataclasses.replace(resource, inputs=inputs)
        resources.append(changed)
    return dataclasses.replace(stack, resources=resources)


def test_the_example_hub_and_a_seven_day_window_with_a_ticket_pass(hub_stack: RecordedStack) -> None:
    """GIVEN the example hub, and one with a 7-day window naming a ticket THEN nothing is reported."""
    assert violations(EXPECTED_USE_POLICY, hub_stack) == []
    assert violations(EXPECTED_USE_POLICY, with_windows(hub_stack, [WINDOW])) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"end": "2026-12-08T09:00:01Z"}, "window 1 lasts 7 days, 0:00:01, more than 7 days"),
        ({"ticket": ""}, "window 1 has no ticket"),
        ({"ticket": None}, "window 1 has no ticket"),
    ],
)
def test_a_long_or_ticketless_window_is_reported(
    hub_stack: RecordedStack, change: dict[str, Any], problem: str
) -> None:
    """GIVEN a second window longer than 7 days or without a ticket THEN the notifier is reported for it."""
    stack = with_windows(hub_stack, [WINDOW, {**WINDOW, **change}])
    ((name, message),) = violations(EXPECTED_USE_POLICY, stack)
    assert name == NOTIFIER
    assert problem in message
