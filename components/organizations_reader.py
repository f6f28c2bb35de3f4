"""The org stack's read-only AWS Organizations role for the hub: account names and the OUs' accounts.

Made where the org stack runs (the management account, or a delegated administrator that Organizations
also lets read: a CloudFormation delegated administrator needs an Organizations delegation policy too).
Only the hub's notifier and watchdog roles, and its root credential audit's when the audit is on, may assume
it; another reader is granted by adding its role's pattern to `principal_patterns`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from .arns import EventBusArn
from .organizations_access import (
    READER_ROLE_DESCRIPTION,
    hub_function_role_patterns,
    read_organization_policy,
    reader_trust_policy,
)
from .posture_policies import audit_role_arn
from .tagging import Tags, tag_input

DEFAULT_HUB_NAME = "root-activity-monitor"


def organizations_reader_role(
    name: str,
    *,
    hub: pulumi.Output[EventBusArn],
    hub_name: str,
    parent: pulumi.Resource,
    tags: Tags,
    posture_audit: bool = False,
    principal_patterns: Sequence[str] = (),
) -> aws.iam.Role:
    """The role, trusting the hub account's function roles only (with `posture_audit`, the hub's root
    credential audit role too), allowed to list and describe accounts."""

    def trusted(bus: EventBusArn) -> str:
        audit = [audit_role_arn(bus.account_id, bus.name)] if posture_audit else []
        patterns = [*hub_function_role_patterns(bus.account_id, hub_name), *audit, *principal_patterns]
        return json.dumps(reader_trust_policy(bus.account_id, patterns))

    role = aws.iam.Role(
        f"{name}-organizations-reader",
        description=READER_ROLE_DESCRIPTION,
        assume_role_policy=hub.apply(trusted),
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
