"""The root credential audit's graph: where it runs, who may open root sessions, and when it is absent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from infra_fixtures import FUNCTION, HUB_ACCOUNT, ROLE, ROLE_POLICY
from root_activity_monitor.organizations_access import LIST_ACTIONS
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.validation import ConfigError

from tests.recording import RecordStack

NS = "root-activity-monitor"
TABLE = "aws:dynamodb/table:Table"
SCHEDULE = "aws:scheduler/schedule:Schedule"
AUDIT_TASK = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
MANAGEMENT_ROLE = "arn:aws:iam::999999999999:role/root-activity-monitor-posture-audit"
READER_ROLE = "arn:aws:iam::999999999999:role/root-activity-monitor-organizations-reader-1a2b3c4"
MANAGEMENT = "999999999999"
HUB_BUS_ARN = f"arn:aws:events:eu-west-1:{HUB_ACCOUNT}:event-bus/root-activity-monitor"


def org_config() -> dict[str, Any]:
    return {
        "aws:region": "us-east-1",
        "mode": "org",
        "regions": ["us-east-1"],
        "hubEventBusArn": HUB_BUS_ARN,
        "organizationalUnitIds": ["ou-ab12-cd34ef56"],
    }


def by_sid(resource: Any, key: str = "policy") -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in resource.json_input(key)["Statement"]}


def test_the_audit_runs_daily_as_a_named_role_that_opens_only_audit_sessions(
    hub_stack: RecordedStack,
) -> None:
    """GIVEN a hub watching an organization WHEN built THEN a daily schedule runs the audit, whose named role
    may open root sessions only with the audit task and use only its table, topic, key and logs."""
    function = hub_stack.named(FUNCTION, "root-activity-monitor-posture")
    assert function.inputs["handler"] == "handler.posture_audit.posture_handler"
    assert function.inputs["timeout"] == 900
    schedule = hub_stack.named(SCHEDULE, "root-activity-monitor-posture-schedule")
    assert schedule.inputs["scheduleExpression"] == "rate(1 day)"
    assert schedule.inputs["target"]["arn"] == function.arn
    role = hub_stack.named(ROLE, "root-activity-monitor-posture-role")
    assert role.inputs["name"] == "root-activity-monitor-posture"
    granted = by_sid(hub_stack.named(ROLE_POLICY, "root-activity-monitor-posture-policy"))
    assert set(granted) == {
        "KeepPostureRows",
        "ReadRootAccessFeatures",
        "OpenAuditOnlyRootSessions",
        "ListOrganizationAccounts",
        "PublishNotifications",
        "UseTopicKey",
        "WriteOwnLogs",
    }
    assert granted["ListOrganizationAccounts"]["Action"] == list(LIST_ACTIONS)
    assert granted["OpenAuditOnlyRootSessions"]["Action"] == "sts:AssumeRoot"
    assert granted["OpenAuditOnlyRootSessions"]["Condition"] == {
        "StringEquals": {"sts:TaskPolicyArn": AUDIT_TASK}
    }
    table = hub_stack.named(TABLE, "root-activity-monitor-posture")
    assert granted["KeepPostureRows"]["Resource"] == table.arn
    assert not any(action.startswith("iam:Get") for s in granted.values() for action in _actions(s))


def test_the_notifier_may_only_read_the_last_audit(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the notifier knows the posture table and may only BatchGetItem on it."""
    table = hub_stack.named(TABLE, "root-activity-monitor-posture")
    notifier = hub_stack.named(FUNCTION, "root-activity-monitor-notifier")
    assert notifier.inputs["environment"]["variables"]["POSTURE_TABLE"] == table.outputs["name"]
    policy = hub_stack.named(ROLE_POLICY, "root-activity-monitor-notifier-posture-policy")
    assert policy.json_input("policy")["Statement"] == [
        {
            "Sid": "ReadPostureRows",
            "Effect": "Allow",
            "Action": "dynamodb:BatchGetItem",
            "Resource": table.arn,
        }
    ]


def test_with_the_org_stack_s_roles_the_audit_may_only_assume_them(
    record_stack: RecordStack, hub_config: dict[str, Any]
) -> None:
    """GIVEN postureAuditRoleArn and organizationsRoleArn WHEN built THEN the audit's role may assume those
    two roles, opens no root session and lists no account itself, and the function is told both roles."""
    recorded = record_stack(
        {
            **hub_config,
            "postureAuditRoleArn": MANAGEMENT_ROLE,
            "organizationsRoleArn": READER_ROLE,
            "postureSchedule": "cron(0 3 * * ? *)",
        }
    )
    granted = by_sid(recorded.named(ROLE_POLICY, "root-activity-monitor-posture-policy"))
    assert granted["AssumeManagementAuditRole"] == {
        "Sid": "AssumeManagementAuditRole",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": MANAGEMENT_ROLE,
    }
    assert granted["AssumeOrganizationsReader"]["Resource"] == READER_ROLE
    assert not {"OpenAuditOnlyRootSessions", "ReadRootAccessFeatures", "ListOrganizationAccounts"} & set(
        granted
    )
    variables = recorded.named(FUNCTION, "root-activity-monitor-posture").inputs["environment"]["variables"]
    assert variables["AUDIT_ROLE_ARN"] == MANAGEMENT_ROLE
    assert variables["ORGANIZATIONS_ROLE_ARN"] == READER_ROLE
    schedule = recorded.named(SCHEDULE, "root-activity-monitor-posture-schedule")
    assert schedule.inputs["scheduleExpression"] == "cron(0 3 * * ? *)"


@pytest.mark.parametrize(
    ("changes", "dropped"),
    [({"postureSchedule": "off"}, None), ({}, "organizationId")],
    ids=["off", "no-org"],
)
def test_no_audit_when_turned_off_or_without_an_organization(
    record_stack: RecordStack, hub_config: dict[str, Any], changes: dict[str, Any], dropped: str | None
) -> None:
    """GIVEN postureSchedule off, or a hub without organizationId WHEN built THEN no audit and no posture
    grading."""
    config = {**hub_config, **changes}
    if dropped:
        del config[dropped]
    recorded = record_stack(config)
    assert [t.name for t in recorded.of_type(TABLE)] == ["root-activity-monitor-heartbeats"]
    assert not [f for f in recorded.of_type(FUNCTION) if "posture" in f.name]
    notifier = recorded.named(FUNCTION, "root-activity-monitor-notifier")
    assert "POSTURE_TABLE" not in notifier.inputs["environment"]["variables"]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("postureSchedule", "daily", "an EventBridge Scheduler expression such as 'rate(1 day)'"),
        ("postureAuditRoleArn", "arn:aws:iam::999999999999:user/audit", "an IAM role ARN"),
    ],
)
def test_bad_posture_config_names_the_key(
    record_stack: RecordStack, hub_config: dict[str, Any], key: str, value: str, expected: str
) -> None:
    """GIVEN a bad posture key WHEN the program runs THEN a ConfigError names the key and what is expected."""
    with pytest.raises(ConfigError, match=re.escape(f"{NS}:{key} must be {expected}")):
        record_stack({**hub_config, key: value})


def test_the_org_stack_lends_one_role_trusting_only_the_hub_s_audit(record_stack: RecordStack) -> None:
    """GIVEN an org stack in the management account WHEN built THEN its audit role trusts only the hub's named
    audit role, may only read whether centralized root access is on and open audit-only root sessions (the
    members are listed through the Organizations reader role), and is exported."""
    recorded = record_stack(org_config(), account_id=MANAGEMENT)
    role = recorded.named(ROLE, "root-activity-monitor-posture-audit-role")
    (trust,) = role.json_input("assumeRolePolicy")["Statement"]
    assert trust["Principal"] == {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"}
    assert trust["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{HUB_ACCOUNT}:role/root-activity-monitor-posture"}
    }
    granted = by_sid(recorded.named(ROLE_POLICY, "root-activity-monitor-posture-audit-policy"))
    assert set(granted) == {"ReadRootAccessFeatures", "OpenAuditOnlyRootSessions"}
    assert granted["ReadRootAccessFeatures"]["Action"] == "iam:ListOrganizationsFeatures"
    assert not [a for s in granted.values() for a in _actions(s) if a.startswith("organizations:")]
    assert recorded.exports["postureAuditRoleArn"] == role.arn


def test_a_delegated_administrator_org_stack_lends_no_role(record_stack: RecordStack) -> None:
    """GIVEN an org stack calling as a CloudFormation delegated administrator THEN it makes no audit role."""
    recorded = record_stack({**org_config(), "callAs": "DELEGATED_ADMIN"}, account_id="444444444444")
    assert not [r for r in recorded.of_type(ROLE) if "posture" in r.name]
    assert "postureAuditRoleArn" not in recorded.exports


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_an_org_stack_with_the_audit_turned_off_lends_no_role(record_stack: RecordStack) -> None:
    """GIVEN an org stack in the management account with postureSchedule off THEN it makes no audit role and
    exports none, while a schedule leaves the role in place."""
    off = record_stack({**org_config(), "postureSchedule": "off"}, account_id=MANAGEMENT)
    assert not [r for r in off.of_type(ROLE) if "posture" in r.name]
    assert "postureAuditRoleArn" not in off.exports
    scheduled = record_stack({**org_config(), "postureSchedule": "rate(7 days)"}, account_id=MANAGEMENT)
    assert scheduled.named(ROLE, "root-activity-monitor-posture-audit-role")
    assert "postureAuditRoleArn" in scheduled.exports


def test_an_org_stack_names_a_bad_posture_schedule(record_stack: RecordStack) -> None:
    """GIVEN an org stack with a postureSchedule that is no schedule THEN the error names the key."""
    expected = f"{NS}:postureSchedule must be an EventBridge Scheduler expression"
    with pytest.raises(ConfigError, match=re.escape(expected)):
        record_stack({**org_config(), "postureSchedule": "daily"}, account_id=MANAGEMENT)
