"""The org stack's read-only AWS Organizations role for the hub: account names and the OUs' accounts.

Made where the org stack runs (the management account, or a delegated administrator that Organizations
also lets read: a CloudFormation delegated administrator needs an Organizations delegation policy too).
Only the hub's notifier and watchdog roles may assume it; another reader (an audit function) is granted by
adding its role's pattern to `principal_patterns`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from .organizations_access import (
    READER_ROLE_DESCRIPTION,
    hub_function_role_patterns,
    read_organization_policy,
    reader_trust_policy,
)
from .tagging import Tags, tag_input

DEFAULT_HUB_NAME = "root-activity-monitor"


def organizations_reader_role(
    name: str,
    *,
    hub_account_id: pulumi.Input[str],
    hub_name: str,
    parent: pulumi.Resource,
    tags: Tags,
    principal_patterns: Sequence[str] = (),
) -> aws.iam.Role:
    """The role, trusting the hub account's function roles only, allowed to list and describe accounts."""
    role = aws.iam.Role(
        f"{name}-organizations-reader",
        description=READER_ROLE_DESCRIPTION,
        assume_role_policy=pulumi.Output.from_input(hub_account_id).apply(
            lambda hub: json.dumps(
                reader_trust_policy(hub, [*hub_function_role_patterns(hub, hub_name), *principal_patterns])
            )
        ),
        max_session_duration=3600,
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.iam.RolePolicy(
        f"{name}-organizations-reader-policy",
        role=role.id,
        policy=json.dumps(read_organization_policy()),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return role
