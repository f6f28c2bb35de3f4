"""Policy documents of the heartbeat and the watchdog: pure data, no Pulumi.

Kept apart from `policies.py` so the heartbeat's least-privilege grants can be read (and tested) in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from .policies import POLICY_VERSION, Policy, Ref, publisher_statements, service_assume_role_policy

SCHEDULER_SERVICE = "scheduler.amazonaws.com"
HEARTBEAT_ACTION = "events:TestEventPattern"
# Must equal the handler's assume_root_sessions.SESSION_KEY_PREFIX; a test checks they agree.
SESSION_KEY_PREFIX = "assume-root#"


def scheduler_assume_role_policy(account_id: Ref) -> Policy:
    """Trust for a role EventBridge Scheduler assumes, only for `account_id`'s schedules (confused deputy)."""
    return service_assume_role_policy(SCHEDULER_SERVICE, account_id)


def heartbeat_call_policy(regions: Sequence[Ref]) -> Policy:
    """The heartbeat role's one permission: `events:TestEventPattern`, in the covered regions only.

    TestEventPattern has no resource type in the IAM service authorization reference, so no ARN can be
    named; the region condition is the narrowest scope IAM offers. The call reads nothing and changes
    nothing: it only tells whether an event given in the request matches a pattern given in the request.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "HeartbeatCall",
                "Effect": "Allow",
                "Action": HEARTBEAT_ACTION,
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": list(regions)}},
            }
        ],
    }


def invoke_function_policy(function_arn: str) -> Policy:
    """What the watchdog's schedule role may do: invoke exactly the watchdog function."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "InvokeWatchdog",
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": function_arn,
            }
        ],
    }


def record_heartbeat_policy(table_arn: str) -> Policy:
    """The notifier's extra permissions: write a heartbeat's last-heard time to the table, and read back the
    AssumeRoot session items it writes there (their hash keys start with `SESSION_KEY_PREFIX`), nothing else.

    The session items are written with `UpdateItem` returning the item (`ReturnValues`), which reads it:
    `GetItem` is granted for them alone, by the leading-key condition.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "RecordHeartbeats",
                "Effect": "Allow",
                "Action": "dynamodb:UpdateItem",
                "Resource": table_arn,
            },
            {
                "Sid": "ReadAssumeRootSessions",
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": table_arn,
                "Condition": {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{SESSION_KEY_PREFIX}*"]}
                },
            },
        ],
    }


def watchdog_policy(table_arn: str, topic_arn: str, key_arn: str, log_group_arn: str) -> Policy:
    """What the watchdog may do: read and mark the table, publish with the topic's key, write its logs."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ReadAndMarkHeartbeats",
                "Effect": "Allow",
                "Action": ["dynamodb:Scan", "dynamodb:UpdateItem"],
                "Resource": table_arn,
            },
            *publisher_statements(topic_arn, key_arn, log_group_arn),
        ],
    }
