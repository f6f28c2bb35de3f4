"""Reading the organization from the hub: the read-only role, its trust, and what the hub's functions may do.

Pure policy documents, no Pulumi. The hub's notifier (account names), watchdog (the accounts it expects) and
root credential audit (the members to audit) call AWS Organizations in the management account or the
Organizations delegated administrator: through `organizationsRoleArn` when set, else directly (the hub is
then that account). Only read calls are granted.

Organizations ARNs carry the management account and the organization ID (`arn:aws:organizations::
MANAGEMENT:account/o-…/ACCOUNT`); a role can only ever read the organization its own account belongs to,
so both parts are wildcards without widening anything, and the resource types still are named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .policies import POLICY_VERSION, Policy, account_root_arn

READ_ACTIONS = (
    "organizations:DescribeAccount",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
)
"""The notifier's names and the watchdog's expected accounts."""
LIST_ACTIONS = ("organizations:DescribeOrganization", "organizations:ListAccounts")
"""The root credential audit's list of members (every active account but the management account)."""
READ_RESOURCES = (
    "arn:aws:organizations::*:account/o-*/*",
    "arn:aws:organizations::*:ou/o-*/ou-*",
    "arn:aws:organizations::*:root/o-*/r-*",
)
READER_ROLE_DESCRIPTION = "Read-only AWS Organizations access for the root-activity-monitor hub's functions"
# The hub's function roles are auto-named after the HubNotifier's name (`<name>-notifier-role-1a2b3c4`).
FUNCTION_ROLE_SUFFIXES = ("notifier-role", "watchdog-role")


def read_organization_policy() -> Policy:
    """The reader role's permissions: what the notifier, the watchdog and the root credential audit read."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [read_organization_statement(), list_organization_statement()],
    }


def read_organization_statement() -> dict[str, Any]:
    """List and describe accounts and OUs; nothing that changes the organization or reads its policies."""
    return {
        "Sid": "ReadOrganizationAccounts",
        "Effect": "Allow",
        "Action": list(READ_ACTIONS),
        "Resource": list(READ_RESOURCES),
    }


def list_organization_statement() -> dict[str, Any]:
    """List every account and read which one is the management account; nothing else."""
    return {
        "Sid": "ListOrganizationAccounts",
        "Effect": "Allow",
        "Action": list(LIST_ACTIONS),
        # Neither action has a resource type an ARN could name.
        "Resource": "*",
    }


def hub_function_role_patterns(hub_account_id: str, hub_name: str) -> list[str]:
    """ARN patterns of exactly the hub's notifier and watchdog roles."""
    return [f"arn:aws:iam::{hub_account_id}:role/{hub_name}-{suffix}-*" for suffix in FUNCTION_ROLE_SUFFIXES]


def reader_trust_policy(hub_account_id: str, principal_patterns: Sequence[str]) -> Policy:
    """Only the hub account's notifier and watchdog roles may assume the reader role.

    The principal is the hub account, narrowed by `aws:PrincipalArn` to the two roles: naming the roles
    themselves as principals would break the trust when a replacement gives a role a new unique ID.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "HubFunctionsReadTheOrganization",
                "Effect": "Allow",
                "Principal": {"AWS": account_root_arn(hub_account_id)},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": list(principal_patterns)}},
            }
        ],
    }


def assume_reader_statement(role_arn: str) -> dict[str, Any]:
    """A hub function may assume exactly the reader role."""
    return {
        "Sid": "AssumeOrganizationsReader",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": role_arn,
    }


def hub_lookup_policy(role_arn: str | None, table_arn: str) -> Policy:
    """A hub function's permissions for Organizations lookups: assume exactly the reader role (or read
    directly when there is none), and read names cached in the heartbeat table."""
    organization = assume_reader_statement(role_arn) if role_arn else read_organization_statement()
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            organization,
            {
                "Sid": "ReadCachedAccountNames",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                "Resource": table_arn,
            },
        ],
    }
