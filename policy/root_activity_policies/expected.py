"""What the pack holds the monitor to: its event patterns, rule state, global region and type tokens.

Copied from `root_activity_monitor`, not imported, for three reasons. A policy that imports the code it
checks agrees with whatever a pull request changes that code to; with a copy, changing the pattern means
changing the pack too, in the same review. `pulumi policy publish` uploads this folder alone. And the
analyzer's environment stays small (no pulumi-aws). tests/policy/test_expected.py fails as soon as the copy
and the project disagree.
"""

from __future__ import annotations

from typing import Any

ROOT_ACTIVITY_KIND = "root-activity"

ROOT_ACTIVITY_EVENT_PATTERN: dict[str, Any] = {
    # Only CloudTrail (whose sources start with "aws.", which PutEvents refuses to custom events) can match.
    "source": [{"prefix": "aws."}],
    "detail-type": [
        "AWS API Call via CloudTrail",
        "AWS Console Sign In via CloudTrail",
        "AWS Console Signin via CloudTrail",
        "AWS Console Action via CloudTrail",
        "AWS Service Event via CloudTrail",
    ],
    "$or": [
        {"detail": {"userIdentity": {"type": ["Root"]}}},
        {"detail": {"userIdentity": {"sessionContext": {"assumedRoot": ["true"]}}}},
        {"detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRoot"]}},
        # Calls that re-open or change root, whoever makes them, and sessions root issued.
        {
            "detail": {
                "eventSource": ["account.amazonaws.com"],
                "eventName": ["StartPrimaryEmailUpdate", "AcceptPrimaryEmailUpdate"],
            }
        },
        {
            "detail": {
                "eventSource": ["iam.amazonaws.com"],
                "eventName": [
                    "EnableOrganizationsRootCredentialsManagement",
                    "DisableOrganizationsRootCredentialsManagement",
                    "EnableOrganizationsRootSessions",
                    "DisableOrganizationsRootSessions",
                ],
            }
        },
        {
            "detail": {
                "eventSource": ["signin.amazonaws.com"],
                "eventName": ["PasswordRecoveryRequested", "PasswordRecoveryCompleted"],
            }
        },
        {"detail": {"userIdentity": {"sessionContext": {"sessionIssuer": {"type": ["Root"]}}}}},
    ],
}
"""`root_activity_monitor.event_pattern.root_activity_pattern()`."""

HEARTBEAT_ROLE_NAME_PREFIX = "root-activity-monitor-heartbeat-"
"""`root_activity_monitor.heartbeat.ROLE_NAME_PREFIX`."""


TAMPER_RULE_CHANGES: list[dict[str, Any]] = [
    {
        "source": ["aws.events"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["events.amazonaws.com"],
            "eventName": ["DisableRule", "DeleteRule", "PutRule", "PutTargets", "RemoveTargets"],
            "requestParameters": {field: [{"wildcard": "*-tamper*"}]},
        },
    }
    for field in ("name", "rule")
]
"""`root_activity_monitor.tamper.tamper_rule_changes()`: a disabled tamper rule never forwards its own change,
so the root-activity rule does."""


def root_or_heartbeat_pattern(role_arn: str) -> dict[str, Any]:
    """`root_activity_monitor.tamper.watching_the_tamper_rule(heartbeat.forwarding_pattern(role_arn))`: what
    a covered region's root-activity rule matches: root activity, the heartbeats of exactly one heartbeat
    role, or a change to the tamper rule."""
    heartbeat = {
        "source": ["aws.events"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["events.amazonaws.com"],
            "eventName": ["TestEventPattern"],
            "errorCode": [{"exists": False}],
            "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [role_arn]}}},
        },
    }
    return {"$or": [ROOT_ACTIVITY_EVENT_PATTERN, heartbeat, *TAMPER_RULE_CHANGES]}


FORWARDED_PATTERNS: dict[str, dict[str, Any]] = {ROOT_ACTIVITY_KIND: ROOT_ACTIVITY_EVENT_PATTERN}
"""Every pattern a rule of the monitor may have, by kind of forwarded events.

A new kind (tamper changes, heartbeats) adds its pattern here, copied from the project like the one above.
"""

NAMED_PATTERN_KINDS = ("tamper", "heartbeat")
"""Kinds of forwarded events whose pattern names the monitor's own resources (so it differs per stack): their
rules (`…-tamper-rule`, the hub bus's `…-heartbeat-rule`) are held to the rule state and the DLQ, not to a
fixed pattern."""

RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
"""`root_activity_monitor.event_pattern.ROOT_ACTIVITY_RULE_STATE`."""

CONFIG_NAMESPACE = "root-activity-monitor"
"""`root_activity_monitor.config_keys.NAMESPACE`: the namespace of the stack's config keys."""

CONFIG_KEY_ARGUMENTS: dict[str, str] = {
    "regions": "regions",
    "organizationId": "organization_id",
    "spokeAccountIds": "spoke_account_ids",
}
"""The config keys the pack's fixes name, each with the component argument it becomes:
`root_activity_monitor.config_keys.KEYS` (name → setting)."""

GLOBAL_EVENTS_REGION = "us-east-1"
"""`root_activity_monitor.regions.GLOBAL_EVENTS_REGION`: where root sign-ins and IAM calls are recorded."""

MONITOR_TYPE_PREFIX = "root-activity-monitor:"
"""The package part of the components' type tokens (`root-activity-monitor:index:HubNotifier`, ...)."""

AWS_MANAGED_KEY_ALIAS_PREFIX = "alias/aws/"
"""Aliases of AWS-managed KMS keys (`alias/aws/sns`, `alias/aws/sqs`), whose key policies are fixed."""

ORGANIZATION_CONDITION_KEY = "aws:PrincipalOrgID"

EXPECTED_ROOT_USE_VARIABLE = "EXPECTED_ROOT_USE"
"""The notifier's environment variable holding the `expectedRootUse` windows (see the components' routing)."""

MAX_EXPECTED_WINDOW_DAYS = 7
"""`root_activity_monitor.routing.MAX_WINDOW`: the longest an approved window of root use may last."""
