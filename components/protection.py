"""The protection policy: a service control policy that makes changing the monitor impossible in members.

The tamper rule reports a change after it took effect, and two changes within the CloudTrail→EventBridge
delivery delay are reported by neither rule. An SCP refuses them instead: every principal of a member account
but the StackSet execution role (and the principals the organization exempts) is denied every change to the
monitor's rules, roles, schedules and dead-letter queues (all named with `MONITOR_NAME_PREFIX`, whatever the
component's name, and creating look-alikes included), passing the monitor's roles to a rule of its own, the
trail calls that blind CloudTrail, and leaving the organization.

What no SCP can do: apply to the management account, to service-linked roles, or to the StackSet execution
role itself (it is how the monitor is deployed and updated, so it stays exempt). The hub account is exempt
(`aws:PrincipalAccount`): its deployer updates the hub's own resources, which carry the same names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .policies import MONITOR_NAME_PREFIX, POLICY_VERSION, Policy
from .tagging import tag_input
from .tamper import CLOUDTRAIL_CALLS
from .validation import ConfigError

STACK_SET_EXECUTION_ROLE_ARN_PATTERN = "arn:aws:iam::*:role/stacksets-exec-*"
"""The role a service-managed StackSet acts as in each member account (AWS makes it: `stacksets-exec-…`)."""
MONITOR_RESOURCE_ARNS = (
    f"arn:aws:events:*:*:rule/{MONITOR_NAME_PREFIX}*",
    f"arn:aws:iam::*:role/{MONITOR_NAME_PREFIX}*",
    f"arn:aws:scheduler:*:*:schedule/*/{MONITOR_NAME_PREFIX}*",
    f"arn:aws:sqs:*:*:{MONITOR_NAME_PREFIX}*",
    # Rewriting the execution role's trust would let an administrator act as it.
    STACK_SET_EXECUTION_ROLE_ARN_PATTERN,
)
"""Every resource the monitor creates in a member account (SpokeForwarder and the StackSet alike)."""
READ_ACTIONS = (
    "events:Describe*",
    "events:List*",
    "iam:Get*",
    "iam:List*",
    "scheduler:Get*",
    "scheduler:List*",
    "sqs:Get*",
    "sqs:List*",
)
"""What a member administrator may still do to the monitor's resources: look."""
BLINDING_ACTIONS = (
    *(f"cloudtrail:{call}" for call in CLOUDTRAIL_CALLS),
    "organizations:LeaveOrganization",
)
"""Calls that blind the monitor whatever resource they name (any trail may be the one feeding it)."""
FULL_AWS_ACCESS: Policy = {
    "Version": POLICY_VERSION,
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
"""The SCP AWS attaches to every root, OU and account unless told otherwise (`FullAWSAccess`): the protection
policy's denials are taken from what it allows."""
SCP_SIZE_LIMIT = 5120
"""Characters AWS Organizations accepts in a service control policy."""


def monitor_protection_policy(hub_account_id: str, *, exempt_principal_arns: Sequence[str] = ()) -> Policy:
    """The SCP: in every account it applies to but the hub's, only the StackSet execution role and
    `exempt_principal_arns` (e.g. the roles that deploy spoke stacks with Pulumi) may change the monitor.

    `NotAction` rather than a list of changes: every action on the monitor's resources but a read is denied,
    so an API AWS adds tomorrow is denied too.
    """
    condition = {
        "ArnNotLike": {"aws:PrincipalArn": [STACK_SET_EXECUTION_ROLE_ARN_PATTERN, *exempt_principal_arns]},
        "StringNotEquals": {"aws:PrincipalAccount": hub_account_id},
    }
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "OnlyTheStackSetChangesTheMonitor",
                "Effect": "Deny",
                "NotAction": list(READ_ACTIONS),
                "Resource": list(MONITOR_RESOURCE_ARNS),
                "Condition": condition,
            },
            {
                "Sid": "NobodyBlindsTheMonitor",
                "Effect": "Deny",
                "Action": list(BLINDING_ACTIONS),
                "Resource": "*",
                "Condition": condition,
            },
        ],
    }


def policy_text(policy: Policy) -> str:
    """The policy as the compact JSON Organizations stores; refuses one over the SCP size limit."""
    text = json.dumps(policy, separators=(",", ":"))
    if len(text) > SCP_SIZE_LIMIT:
        message = (
            f"the protection policy is {len(text)} characters, over the {SCP_SIZE_LIMIT} a service control "
            "policy holds: list fewer protectionExemptPrincipalArns"
        )
        raise ConfigError(message)
    return text


def protect_the_monitor(
    name: str,
    *,
    hub_account_id: pulumi.Input[str],
    targets: Sequence[str],
    exempt_principal_arns: Sequence[str],
    parent: pulumi.Resource,
    tags: Mapping[str, str],
) -> pulumi.Output[str]:
    """The protection SCP and one attachment per target (OU or root); returns the policy's ID."""
    policy = aws.organizations.Policy(
        f"{name}-protection-policy",
        type="SERVICE_CONTROL_POLICY",
        description="root-activity-monitor: only the StackSet execution role changes the monitor",
        content=pulumi.Output.from_input(hub_account_id).apply(
            lambda account: policy_text(
                monitor_protection_policy(account, exempt_principal_arns=exempt_principal_arns)
            )
        ),
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    for target in targets:
        aws.organizations.PolicyAttachment(
            f"{name}-protection-{target}",
            policy_id=policy.id,
            target_id=target,
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return policy.id
