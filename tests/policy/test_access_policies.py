"""Access policies on mutated copies of the example graphs: each mistake is reported with its fix."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from recorded_policy_args import mutated, violations, with_resource
from root_activity_monitor.simulate import RecordedResource, RecordedStack
from root_activity_policies import BUS_POLICY_POLICY, PUBLISH_POLICY, RESOURCE_POLICY_POLICY

BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_PERMISSION = "aws:cloudwatch/eventPermission:EventPermission"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
NOTIFIER_POLICY = "root-activity-monitor-notifier-policy"


def with_statement(
    stack: RecordedStack, resource: RecordedResource, sid: str, **changes: Any
) -> RecordedStack:
    """`stack` with one statement of `resource`'s policy changed (a None value removes the field)."""
    document = json.loads(resource.inputs["policy"])
    for statement in document["Statement"]:
        if statement.get("Sid") == sid:
            statement.update(changes)
            for field in [key for key, value in changes.items() if value is None]:
                del statement[field]
    return mutated(stack, resource, inputs={"policy": json.dumps(document)})


def test_bus_policy_wildcard_without_organization_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the bus policy's `*` statement without its condition WHEN validated
    THEN it is reported with the organization condition to add."""
    policy = hub_stack.one(BUS_POLICY)
    stack = with_statement(hub_stack, policy, "AllowOrganizationToPutEvents", Condition=None)
    ((name, message),) = violations(BUS_POLICY_POLICY, stack)
    assert name == policy.name
    assert "'AllowOrganizationToPutEvents'" in message
    assert "Fix: add the condition {'StringEquals': {'aws:PrincipalOrgID': '<o-...>'}}" in message


def test_bus_policy_wildcard_with_a_negated_organization_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the `*` statement under StringNotEquals aws:PrincipalOrgID WHEN validated THEN it is reported."""
    policy = hub_stack.one(BUS_POLICY)
    negated = {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    stack = with_statement(hub_stack, policy, "AllowOrganizationToPutEvents", Condition=negated)
    assert [name for name, _ in violations(BUS_POLICY_POLICY, stack)] == [policy.name]


def test_bus_policy_listed_accounts_as_wildcard_are_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the listed-accounts statement turned into {"AWS": "*"} WHEN validated THEN it is reported."""
    policy = hub_stack.one(BUS_POLICY)
    stack = with_statement(hub_stack, policy, "AllowListedAccountsToPutEvents", Principal={"AWS": "*"})
    assert "'AllowListedAccountsToPutEvents'" in violations(BUS_POLICY_POLICY, stack)[0][1]


def test_event_permission_for_everyone_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN an EventPermission for principal `*` without a condition WHEN validated THEN it is reported."""
    policy = hub_stack.one(BUS_POLICY)
    permission = dataclasses.replace(
        policy,
        type=EVENT_PERMISSION,
        inputs={"principal": "*", "statementId": "Everyone", "eventBusName": "root-activity-monitor"},
    )
    ((_, message),) = violations(BUS_POLICY_POLICY, with_resource(hub_stack, policy, permission))
    assert "Fix:" in message
    organization = {"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-a1b2c3d4e5"}
    confined = dataclasses.replace(permission, inputs={**permission.inputs, "condition": organization})
    assert violations(BUS_POLICY_POLICY, with_resource(hub_stack, policy, confined)) == []


def test_queue_policy_open_to_everyone_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a DLQ policy granting `*` with no condition WHEN validated THEN it is reported with the fix."""
    policy = spoke_stack.named(QUEUE_POLICY, "root-activity-monitor-forward-us-east-1-dlq-policy")
    stack = with_statement(spoke_stack, policy, "AllowRuleToSendMessage", Principal="*", Condition=None)
    ((name, message),) = violations(RESOURCE_POLICY_POLICY, stack)
    assert name == policy.name
    assert "Fix: name the principal" in message


def test_publish_on_any_topic_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the notifier's policy allowing sns:Publish on `*` WHEN validated THEN it is reported."""
    policy = hub_stack.named(ROLE_POLICY, NOTIFIER_POLICY)
    stack = with_statement(hub_stack, policy, "PublishNotifications", Resource="*")
    ((name, message),) = violations(PUBLISH_POLICY, stack)
    assert name == NOTIFIER_POLICY
    assert "Fix: set Resource to the notification topic's ARN" in message


def test_publish_through_wildcards_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN sns:* on a wildcard ARN, or sns:Publish on NotResource, WHEN validated THEN each is reported."""
    policy = hub_stack.named(ROLE_POLICY, NOTIFIER_POLICY)
    wide_arn = with_statement(
        hub_stack, policy, "PublishNotifications", Action="sns:*", Resource="arn:aws:sns:*:*:*"
    )
    not_resource = with_statement(
        hub_stack, policy, "PublishNotifications", Resource=None, NotResource="arn:aws:sns:*:*:other"
    )
    assert [name for name, _ in violations(PUBLISH_POLICY, wide_arn)] == [NOTIFIER_POLICY]
    assert [name for name, _ in violations(PUBLISH_POLICY, not_resource)] == [NOTIFIER_POLICY]


def test_wildcard_resource_for_other_actions_is_not_a_publish_violation(hub_stack: RecordedStack) -> None:
    """GIVEN a wildcard resource on a statement that cannot publish WHEN validated THEN none is reported."""
    policy = hub_stack.named(ROLE_POLICY, NOTIFIER_POLICY)
    stack = with_statement(hub_stack, policy, "ConsumeBufferQueue", Resource="*")
    assert violations(PUBLISH_POLICY, stack) == []
