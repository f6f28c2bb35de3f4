"""Root sessions: the hub's and the org stack's policies open them only for the audit task; anything wider is
refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from recorded_policy_args import mutated, violations
from root_activity_monitor import posture_policies
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import ROOT_SESSION_POLICY, expected

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
HUB_AUDIT_POLICY = "root-activity-monitor-posture-policy"
ORG_AUDIT_POLICY = "root-activity-monitor-posture-audit-policy"
DELETE_TASK = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"


def test_the_pack_and_the_project_name_the_same_audit_task() -> None:
    """GIVEN the pack's copy of the audit task THEN it is the task the components grant."""
    assert expected.AUDIT_TASK_POLICY_ARN == posture_policies.AUDIT_TASK_POLICY_ARN


def test_the_example_stacks_pass(hub_stack: RecordedStack, org_stack: RecordedStack) -> None:
    """GIVEN the example hub (opening root sessions itself) and org stack WHEN validated THEN nothing is
    reported."""
    assert hub_stack.named(ROLE_POLICY, HUB_AUDIT_POLICY)
    assert org_stack.named(ROLE_POLICY, ORG_AUDIT_POLICY)
    assert violations(ROOT_SESSION_POLICY, hub_stack) == []
    assert violations(ROOT_SESSION_POLICY, org_stack) == []


def _with_assume_root(stack: RecordedStack, name: str, **changes: Any) -> RecordedStack:
    resource = stack.named(ROLE_POLICY, name)
    document = json.loads(resource.inputs["policy"])
    for statement in document["Statement"]:
        if statement.get("Sid") == "OpenAuditOnlyRootSessions":
            statement.update(changes)
            for field in [key for key, value in changes.items() if value is None]:
                del statement[field]
    return mutated(stack, resource, inputs={"policy": json.dumps(document)})


@pytest.mark.parametrize(
    "changes",
    [
        {"Condition": None},
        {"Condition": {"StringEquals": {"sts:TaskPolicyArn": DELETE_TASK}}},
        {"Condition": {"StringEquals": {"sts:TaskPolicyArn": [expected.AUDIT_TASK_POLICY_ARN, DELETE_TASK]}}},
        {"Condition": {"StringLike": {"sts:TaskPolicyArn": "arn:aws:iam::aws:policy/root-task/*"}}},
        {"Action": "sts:*"},
        {"Action": ["sts:AssumeRoot", "sts:AssumeRole"]},
    ],
    ids=["no-condition", "delete-task", "two-tasks", "any-task", "sts-wildcard", "two-actions"],
)
@pytest.mark.parametrize("stack_name", ["hub", "org"])
def test_a_root_session_grant_wider_than_the_audit_is_reported(
    request: pytest.FixtureRequest, stack_name: str, changes: dict[str, Any]
) -> None:
    """GIVEN the AssumeRoot statement widened in one way WHEN validated THEN that policy is reported, with the
    fix."""
    stack = request.getfixturevalue(f"{stack_name}_stack")
    name = HUB_AUDIT_POLICY if stack_name == "hub" else ORG_AUDIT_POLICY
    ((reported, message),) = violations(ROOT_SESSION_POLICY, _with_assume_root(stack, name, **changes))
    assert reported == name
    assert "sts:TaskPolicyArn" in message and "Fix:" in message
