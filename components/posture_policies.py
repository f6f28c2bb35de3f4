"""Policy documents of the root credential audit: pure data, no Pulumi.

Who can open root sessions is the sharpest permission the monitor holds, so it is written in one place:
`sts:AssumeRoot` only with the audit task policy (`sts:TaskPolicyArn`), which lets the session read root's
password state, access keys, MFA devices and signing certificates and nothing else. The IAM reads are made
with that session: the audit's own role holds none of them.
"""

from __future__ import annotations

from .organizations_access import assume_reader_statement, list_organization_statement
from .policies import POLICY_VERSION, Policy, account_root_arn, publisher_statements

AUDIT_TASK_POLICY_ARN = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
TASK_POLICY_CONDITION_KEY = "sts:TaskPolicyArn"
# How long the audit's root sessions last: AWS's maximum, far more than five reads need.
ROOT_SESSION_SECONDS = 900
# Any member account of the organization, present or future: AssumeRoot reaches only the caller's own
# organization's members, so the account cannot be narrower than `*` without listing every account.
MEMBER_ROOT_ARN = "arn:aws:iam::*:root"
ROLE_NAME_SUFFIX = "-posture"
# Whether centralized root access is on is asked where AssumeRoot is called (the management account or
# IAM's delegated administrator), which need not be where the Organizations reader role lives.
ROOT_ACCESS_FEATURES_ACTION = "iam:ListOrganizationsFeatures"


def audit_role_name(event_bus_name: str) -> str:
    """The hub's audit function role: named, so the org stack's role can trust exactly it."""
    return f"{event_bus_name}{ROLE_NAME_SUFFIX}"


def audit_role_arn(hub: str, event_bus_name: str) -> str:
    """The ARN of the hub's audit function role."""
    return f"arn:aws:iam::{hub}:role/{audit_role_name(event_bus_name)}"


def open_root_sessions_statements() -> list[dict[str, object]]:
    """Read whether centralized root access is on; open root sessions for the audit task, no other. The
    members are listed through Organizations' reader (`organizations_access`), not here."""
    return [
        {
            "Sid": "ReadRootAccessFeatures",
            "Effect": "Allow",
            "Action": ROOT_ACCESS_FEATURES_ACTION,
            # ListOrganizationsFeatures has no resource type an ARN could name.
            "Resource": "*",
        },
        {
            "Sid": "OpenAuditOnlyRootSessions",
            "Effect": "Allow",
            "Action": "sts:AssumeRoot",
            "Resource": MEMBER_ROOT_ARN,
            "Condition": {"StringEquals": {TASK_POLICY_CONDITION_KEY: AUDIT_TASK_POLICY_ARN}},
        },
    ]


def management_audit_role_policy() -> Policy:
    """The org stack's role in the management account: what the hub's audit needs done there."""
    return {"Version": POLICY_VERSION, "Statement": open_root_sessions_statements()}


def management_audit_trust_policy(hub: str, event_bus_name: str) -> Policy:
    """Only the hub's audit function role (in account `hub`) may assume the management account's role."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": account_root_arn(hub)},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": audit_role_arn(hub, event_bus_name)}},
            }
        ],
    }


def audit_function_policy(
    table_arn: str,
    topic_arn: str,
    key_arn: str,
    log_group_arn: str,
    management_role_arn: str | None,
    *,
    organizations_role_arn: str | None = None,
) -> Policy:
    """The hub's audit function: its table, the topic, its logs, either the management account's role or
    (when the hub is where AssumeRoot works) the same narrow rights directly, and the members' list through
    the Organizations reader role (or directly, as the notifier and watchdog read)."""
    reach = (
        [
            {
                "Sid": "AssumeManagementAuditRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": management_role_arn,
            }
        ]
        if management_role_arn
        else open_root_sessions_statements()
    )
    listing = (
        assume_reader_statement(organizations_role_arn)
        if organizations_role_arn
        else list_organization_statement()
    )
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "KeepPostureRows",
                "Effect": "Allow",
                "Action": ["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                "Resource": table_arn,
            },
            *reach,
            listing,
            *publisher_statements(topic_arn, key_arn, log_group_arn),
        ],
    }


def read_posture_policy(table_arn: str) -> Policy:
    """The notifier's extra permission: read the last audit of the accounts in a batch."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ReadPostureRows",
                "Effect": "Allow",
                "Action": "dynamodb:BatchGetItem",
                "Resource": table_arn,
            }
        ],
    }
