"""The hub's functions reading AWS Organizations: their environment and their permission to do so.

The notifier names accounts, the watchdog lists the accounts it expects; both through the reader role the
org stack creates (`organizationsRoleArn`), or directly when the hub is the management account. The
watchdog's schedule carries the OUs (like the pairs, they would overflow an environment at scale).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from ..organizations_access import hub_lookup_policy

LOOKUP_VARIABLE = "ORGANIZATIONS_LOOKUP"
ROLE_VARIABLE = "ORGANIZATIONS_ROLE_ARN"


def lookup_variables(enabled: bool, role_arn: str | None) -> dict[str, str]:
    """The environment that turns the handler's Organizations lookups on (and names the role to assume)."""
    if not enabled:
        return {}
    return {LOOKUP_VARIABLE: "on", **({ROLE_VARIABLE: role_arn} if role_arn else {})}


def allow_lookups(
    name: str,
    *,
    roles: Mapping[str, aws.iam.Role],
    role_arn: str | None,
    table: aws.dynamodb.Table,
    parent: pulumi.Resource,
) -> list[aws.iam.RolePolicy]:
    """Each function role (by kind: notifier, watchdog) may assume the reader role (or read directly) and
    read the account names cached in the heartbeat table."""
    return [
        aws.iam.RolePolicy(
            f"{name}-{kind}-organizations-policy",
            role=role.id,
            policy=table.arn.apply(lambda arn: json.dumps(hub_lookup_policy(role_arn, arn))),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for kind, role in roles.items()
    ]
