"""The management account's side of the root credential audit: one role the hub's audit function assumes.

`sts:AssumeRoot` works only from the management account or IAM's delegated administrator for centralized
root access. The audit itself lives with the hub (its table, its topic, the notifier that reads its rows);
this role lends it exactly what must happen here: list the accounts, read whether centralized root access
is on, and open root sessions limited to the audit task. Only the hub's named audit role may assume it.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from . import posture_policies
from .arns import EventBusArn
from .tagging import Tags, tag_input

ROLE_NAME = "root-activity-monitor-posture-audit"


def management_audit_role(
    name: str, *, hub: pulumi.Output[EventBusArn], parent: pulumi.Resource, tags: Tags
) -> aws.iam.Role:
    """The role, trusting only `<hub account>:role/<hub bus name>-posture`, with its one inline policy."""
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-posture-audit-role",
        name=ROLE_NAME,
        description="The root-activity-monitor hub's root credential audit: audit-only root sessions",
        assume_role_policy=hub.apply(
            lambda bus: json.dumps(posture_policies.management_audit_trust_policy(bus.account_id, bus.name))
        ),
        max_session_duration=3600,
        tags=tag_input(tags),
        opts=child,
    )
    aws.iam.RolePolicy(
        f"{name}-posture-audit-policy",
        role=role.id,
        policy=json.dumps(posture_policies.management_audit_role_policy()),
        opts=child,
    )
    return role
