"""IAM, resource and key policy documents as pure functions of ARNs and IDs.

Each returns a plain dict; callers serialise it (`json.dumps`) inside an Output when an ARN is not known
until deploy time. Keeping them pure lets the tests read every statement without a Pulumi engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .validation import ConfigError

Policy = dict[str, Any]
Ref = str | Mapping[str, Any]
"""An ARN or ID, or a CloudFormation intrinsic (`{"Ref": …}`, `{"Fn::GetAtt": …}`) that resolves to one: the
StackSet template builds its policies with these same functions."""

POLICY_VERSION = "2012-10-17"
EVENTS_SERVICE = "events.amazonaws.com"
LAMBDA_SERVICE = "lambda.amazonaws.com"
SNS_SERVICE = "sns.amazonaws.com"
CLOUDWATCH_SERVICE = "cloudwatch.amazonaws.com"
MONITOR_NAME_PREFIX = "root-activity-monitor-"
"""Every resource the monitor creates in a covered account starts with it, whatever the component's name: the
hub's tamper route, the delivery role's trust and the protection policy name the monitor's resources by it."""
DELIVERY_ROLE_NAME_PREFIX = f"{MONITOR_NAME_PREFIX}delivery-"
"""Every delivery role's name starts with it (SpokeForwarder, the hub's own regions, the StackSet), so the hub
bus can admit exactly these roles from any account without knowing each account's random suffix."""
DELIVERY_ROLE_ARN_PATTERN = f"arn:aws:iam::*:role/{DELIVERY_ROLE_NAME_PREFIX}*"


def account_root_arn(account_id: str) -> str:
    """The principal ARN that stands for a whole account."""
    return f"arn:aws:iam::{account_id}:root"


def event_bus_policy(event_bus_arn: str, organization_id: str | None, account_ids: Sequence[str]) -> Policy:
    """Who may put events on the hub bus: the monitor's delivery roles in the organization and/or the listed
    accounts.

    The `*` principal appears only together with an `aws:PrincipalOrgID` condition. Both grants also require
    the caller to be a delivery role (`aws:PrincipalArn`): a member's own rule, with a role of its own, cannot
    put what it likes on the hub bus (a heartbeat that stands in for the monitor's, say).
    """
    delivery_roles = {"ArnLike": {"aws:PrincipalArn": DELIVERY_ROLE_ARN_PATTERN}}
    statements: list[dict[str, Any]] = []
    if organization_id:
        statements.append(
            {
                "Sid": "AllowOrganizationToPutEvents",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "events:PutEvents",
                "Resource": event_bus_arn,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}, **delivery_roles},
            }
        )
    if account_ids:
        statements.append(
            {
                "Sid": "AllowListedAccountsToPutEvents",
                "Effect": "Allow",
                "Principal": {"AWS": [account_root_arn(account_id) for account_id in account_ids]},
                "Action": "events:PutEvents",
                "Resource": event_bus_arn,
                "Condition": delivery_roles,
            }
        )
    if not statements:
        message = (
            "an event bus policy needs an organization ID or at least one account ID "
            "(organization_id or account_ids)"
        )
        raise ConfigError(message)
    return {"Version": POLICY_VERSION, "Statement": statements}


def queue_send_from_rule_policy(queue_arn: Ref, rule_arn: str | Sequence[Ref]) -> Policy:
    """Lets exactly the given EventBridge rule(s) send to a queue (a rule target or a target's DLQ)."""
    source: Ref | list[Ref]
    source = rule_arn if isinstance(rule_arn, str) else rule_arn[0] if len(rule_arn) == 1 else list(rule_arn)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AllowRuleToSendMessage",
                "Effect": "Allow",
                "Principal": {"Service": EVENTS_SERVICE},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": source}},
            }
        ],
    }


def service_assume_role_policy(service: str, account_id: Ref, source_arn: Ref | None = None) -> Policy:
    """Trust for a role an AWS service assumes only for this account's resources (confused deputy), and,
    given `source_arn` (an ARN pattern), only for the resources it matches."""
    conditions: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": conditions,
            }
        ],
    }


def events_assume_role_policy(account_id: Ref, rule_arn_pattern: Ref) -> Policy:
    """Trust for a delivery role: EventBridge, acting for the monitor's rules in this account only.

    `rule_arn_pattern` matches the monitor's rule ARNs (by name prefix: a trust policy holds 2,048
    characters, too few for every rule of 17 regions). A rule of the member's own cannot borrow the role to
    reach the hub bus; one created with the monitor's prefix is a `PutRule` the tamper rule reports.
    """
    return service_assume_role_policy(EVENTS_SERVICE, account_id, rule_arn_pattern)


def rule_arn_pattern(account_id: str, rule_name_prefix: str) -> str:
    """The ARNs of the rules whose names start with `rule_name_prefix` in any region of one account."""
    return f"arn:aws:events:*:{account_id}:rule/{rule_name_prefix}*"


def put_events_policy(event_bus_arn: Ref) -> Policy:
    """A delivery role's permission: put events on exactly one bus."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "PutEventsOnHubBus",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": event_bus_arn,
            }
        ],
    }


def lambda_assume_role_policy() -> Policy:
    """Trust for the notifier's role: the Lambda service.

    No source condition: Lambda does not document `aws:SourceAccount` for execution roles, and a
    condition on a missing key would deny every invocation. `iam:PassRole` guards who can use it.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": LAMBDA_SERVICE}, "Action": "sts:AssumeRole"}
        ],
    }


def publisher_statements(topic_arn: str, key_arn: str, log_group_arn: str) -> list[dict[str, Any]]:
    """What every function that notifies needs: publish to the topic, with its key, and write its own logs."""
    return [
        {
            "Sid": "PublishNotifications",
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": topic_arn,
        },
        {
            "Sid": "UseTopicKey",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": key_arn,
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*",
        },
    ]


def notifier_policy(queue_arn: str, topic_arn: str, key_arn: str, log_group_arn: str) -> Policy:
    """What the notifier may do: drain its queue, publish to its topic with its key, write its logs."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ConsumeBufferQueue",
                "Effect": "Allow",
                "Action": [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ],
                "Resource": queue_arn,
            },
            *publisher_statements(topic_arn, key_arn, log_group_arn),
        ],
    }


def topic_key_policy(account_id: str, notifier_role_arn: str) -> Policy:
    """Key policy for the topic's customer-managed key.

    The account statement keeps the key administrable through IAM (without it the key becomes
    unmanageable). SNS and CloudWatch alarms may use the key only for this account's resources; the
    notifier role may encrypt what it publishes. No other principal appears.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AllowAccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": account_root_arn(account_id)},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowServicesPublishingToTopic",
                "Effect": "Allow",
                "Principal": {"Service": [SNS_SERVICE, CLOUDWATCH_SERVICE]},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
            {
                "Sid": "AllowNotifierToPublish",
                "Effect": "Allow",
                "Principal": {"AWS": notifier_role_arn},
                "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                "Resource": "*",
            },
        ],
    }


MONITOR_RULE_CHANGES = ("DisableRule", "DeleteRule", "PutRule", "PutTargets", "RemoveTargets")
