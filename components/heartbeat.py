"""The heartbeat: each forwarding (account, region) calls a harmless API on schedule: CloudTrail records it.

EventBridge Scheduler's universal target calls `events:TestEventPattern` under a dedicated role. CloudTrail
records the call as a read-only management event in the schedule's region and delivers it to that region's
default bus, where the root-activity rule itself (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, the
only state that sees read-only events) matches it too and sends it, with the same target, retry policy,
dead-letter queue and delivery role, to the hub bus, the buffer and the notifier. So a heartbeat proves every
hop root activity takes, the very rule included: disabled, deleted or stripped of its target, the rule stops
carrying heartbeats and the watchdog notices. It needs no alarm or topic per (account, region). Read-only
`Get/Describe/List` actions cannot be universal targets;
TestEventPattern is read-only without such a prefix (it changes nothing, only matches a pattern).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from . import heartbeat_policies
from .config_keys import DEFAULT_HEARTBEAT_INTERVAL_MINUTES
from .event_pattern import API_CALL_DETAIL_TYPE, root_activity_pattern
from .forwarding import ForwardedEvents
from .policies import MONITOR_NAME_PREFIX
from .tagging import Tags, tag_input

KIND = "heartbeat"
DEFAULT_INTERVAL_MINUTES = DEFAULT_HEARTBEAT_INTERVAL_MINUTES
# Fixed, so the hub and the notifier can tell heartbeat roles from any other without knowing each account's
# random suffix; the forwarding rule in each account still matches its own role's exact ARN.
ROLE_NAME_PREFIX = f"{MONITOR_NAME_PREFIX}heartbeat-"
SCHEDULE_NAME_PREFIX = f"{MONITOR_NAME_PREFIX}heartbeat-"
EVENT_SOURCE = "events.amazonaws.com"
EVENT_NAME = "TestEventPattern"
TARGET_ARN = "arn:aws:scheduler:::aws-sdk:eventbridge:testEventPattern"
"""Universal target `aws-sdk:<SDK service id>:<camelCase action>`; in IAM: events:TestEventPattern."""
HEARTBEAT_EVENT_SOURCE = "root-activity-monitor.heartbeat"
HEARTBEAT_RETRY_ATTEMPTS = 2
ROLE_DESCRIPTION = "EventBridge Scheduler calls events:TestEventPattern: root-activity-monitor heartbeat"
SCHEDULE_DESCRIPTION = "root-activity-monitor heartbeat: a call CloudTrail records, forwarded to the hub"


def _pattern(issuer: dict[str, Any]) -> dict[str, Any]:
    return {
        # CloudTrail's own events: PutEvents refuses custom events whose source starts with `aws.`.
        "source": ["aws.events"],
        "detail-type": [API_CALL_DETAIL_TYPE],
        "detail": {
            "eventSource": [EVENT_SOURCE],
            "eventName": [EVENT_NAME],
            # A refused call (a deleted role policy) is recorded too; it is no heartbeat.
            "errorCode": [{"exists": False}],
            "userIdentity": {"sessionContext": {"sessionIssuer": issuer}},
        },
    }


def forwarding_pattern(role_arn: str) -> str:
    """What a covered region's root-activity rule matches: root activity, or a heartbeat of exactly its
    account's heartbeat role. One `$or` of the two whole patterns (EventBridge's matcher takes an `$or`
    nested in another), so the root pattern stays defined once, in `event_pattern`."""
    heartbeat = _pattern({"arn": [role_arn]})
    return json.dumps({"$or": [root_activity_pattern(), heartbeat]}, sort_keys=True)


HUB_PATTERN = json.dumps(_pattern({"userName": [{"prefix": ROLE_NAME_PREFIX}]}), sort_keys=True)
"""Heartbeats on the hub bus, any account: only forwarding rules matching one exact role put them there."""

HUB_HEARTBEAT = ForwardedEvents(
    kind=KIND,
    pattern=HUB_PATTERN,
    description="Heartbeats of every watched account and region",
    hub_description="Heartbeats from every watched account and region, recorded by the notifier",
)
"""The hub bus's routing of heartbeats into the buffer queue."""


def maximum_event_age_seconds(interval_minutes: int) -> int:
    """How long Scheduler retries a heartbeat call: a late heartbeat is worth less than the next one."""
    return max(60, interval_minutes * 60)


def schedule_expression(interval_minutes: int) -> str:
    """EventBridge Scheduler's rate expression for an interval in minutes."""
    unit = "minute" if interval_minutes == 1 else "minutes"
    return f"rate({interval_minutes} {unit})"


def call_input(account_id: str, region: str) -> str:
    """The TestEventPattern request: a fixed event that matches a fixed pattern, nothing read or changed."""
    event = {
        "id": "root-activity-monitor-heartbeat",
        "account": account_id,
        "source": HEARTBEAT_EVENT_SOURCE,
        "time": "2024-01-01T00:00:00Z",
        "region": region,
        "resources": [],
        "detail-type": "Heartbeat",
        "detail": {},
    }
    pattern = {"source": [HEARTBEAT_EVENT_SOURCE]}
    return json.dumps({"Event": json.dumps(event), "EventPattern": json.dumps(pattern)}, sort_keys=True)


def _input_in(region: str, account_id: str) -> str:
    return call_input(account_id, region)


@dataclass(frozen=True)
class Heartbeat:
    """One account's heartbeat: its role, a schedule per region, and what its root-activity rules match."""

    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    forwarding_pattern: pulumi.Output[str]
    """Root activity or this account's heartbeats (`forwarding_pattern`)."""
    schedules: dict[str, aws.scheduler.Schedule]


def emit_heartbeats(
    name: str,
    *,
    regions: Sequence[str],
    account_id: pulumi.Input[str],
    interval_minutes: pulumi.Input[int],
    parent: pulumi.Resource,
    tags: Tags,
) -> Heartbeat:
    """The heartbeat role (trusted by Scheduler for this account only) and a schedule in every region.

    `interval_minutes` may be an Output: a spoke stack takes the hub stack's interval.
    """
    child = pulumi.ResourceOptions(parent=parent)
    interval = pulumi.Output.from_input(interval_minutes)
    role = aws.iam.Role(
        f"{name}-heartbeat-role",
        name_prefix=ROLE_NAME_PREFIX,
        assume_role_policy=pulumi.Output.from_input(account_id).apply(
            lambda account: json.dumps(heartbeat_policies.scheduler_assume_role_policy(account))
        ),
        description=ROLE_DESCRIPTION,
        tags=tag_input(tags),
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-heartbeat-role-policy",
        role=role.id,
        policy=json.dumps(heartbeat_policies.heartbeat_call_policy(regions)),
        opts=child,
    )
    schedules = {
        region: aws.scheduler.Schedule(
            f"{name}-{region}-heartbeat",
            name_prefix=SCHEDULE_NAME_PREFIX,
            region=region,
            description=SCHEDULE_DESCRIPTION,
            schedule_expression=interval.apply(schedule_expression),
            flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
            state="ENABLED",
            target=aws.scheduler.ScheduleTargetArgs(
                arn=TARGET_ARN,
                role_arn=role.arn,
                input=pulumi.Output.from_input(account_id).apply(functools.partial(_input_in, region)),
                # A late heartbeat is worth less than the next one: retry briefly, within one interval.
                retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                    maximum_event_age_in_seconds=interval.apply(maximum_event_age_seconds),
                    maximum_retry_attempts=HEARTBEAT_RETRY_ATTEMPTS,
                ),
            ),
            # The first call must find the role allowed to make it.
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
        )
        for region in regions
    }
    return Heartbeat(
        role=role,
        role_policy=role_policy,
        forwarding_pattern=role.arn.apply(forwarding_pattern),
        schedules=schedules,
    )
