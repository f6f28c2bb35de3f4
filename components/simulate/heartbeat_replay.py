"""The heartbeat in the replay: its table and schedules created in moto, and each schedule fired.

moto's Scheduler stores schedules but never runs them, and moto's EventBridge does not see API calls. So
the replay fires each heartbeat schedule itself the way AWS would: Scheduler assumes the schedule's role
(which must trust scheduler.amazonaws.com for this account), calls the universal target's action (which
the role's inline policy must allow in that region), and CloudTrail puts the record of that call, made by
the role, on the account's default bus in the schedule's region. A refused call is recorded too, with its
errorCode, as CloudTrail does. It assumes, as the real heartbeat does, that a trail is logging.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..arns import parse_arn
from ..heartbeat import TARGET_ARN
from ..heartbeat_policies import HEARTBEAT_ACTION, SCHEDULER_SERVICE
from .accounts import AwsAccounts
from .delivery import EventRouter, Trace
from .heartbeat_record import heartbeat_record
from .iam import Caller, evaluate, service_may_assume
from .recording import RecordedResource

SCHEDULE = "aws:scheduler/schedule:Schedule"
_NAMESPACE = uuid.UUID("6f2d1c9e-3a47-4b8e-9c05-1d2e3f4a5b6c")


@dataclass(frozen=True)
class Fired:
    """One heartbeat schedule fired: where, and what became of its call."""

    account_id: str
    region: str
    schedule: str
    called: bool
    reason: str
    trace: Trace


def create_table(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    """A recorded DynamoDB table, with its keys and TTL."""
    inputs = resource.inputs
    keys = [(inputs["hashKey"], "HASH"), *([(inputs["rangeKey"], "RANGE")] if inputs.get("rangeKey") else [])]
    types = {a["name"]: a["type"] for a in inputs.get("attributes") or []}
    dynamodb = aws.dynamodb(account, resource.region)
    name = str(resource.outputs.get("name"))
    dynamodb.create_table(
        TableName=name,
        BillingMode=str(inputs.get("billingMode") or "PAY_PER_REQUEST"),
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": types[key]} for key, _ in keys],
    )
    ttl = inputs.get("ttl")
    if isinstance(ttl, Mapping) and ttl.get("enabled"):
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["attributeName"]}
        )


def create_schedule(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    """A recorded schedule; the replay fires it (moto only stores it)."""
    inputs = resource.inputs
    target = inputs["target"]
    aws.scheduler(account, resource.region).create_schedule(
        Name=str(resource.outputs.get("name")),
        ScheduleExpression=str(inputs["scheduleExpression"]),
        FlexibleTimeWindow={"Mode": str(inputs["flexibleTimeWindow"]["mode"])},
        Target={
            "Arn": str(target["arn"]),
            "RoleArn": str(target["roleArn"]),
            "Input": str(target.get("input") or ""),
        },
        State=str(inputs.get("state") or "ENABLED"),
    )


def call_record(
    account: str, region: str, role_arn: str, when: datetime, error: str | None, *, request: str | None = None
) -> dict[str, Any]:
    """The EventBridge event CloudTrail delivers for the heartbeat call made by `role_arn` with the
    schedule's input `request`."""
    event_id = str(uuid.uuid5(_NAMESPACE, f"{account}/{region}/{when.isoformat()}"))
    at = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return heartbeat_record(account, region, role_arn, at, event_id=event_id, error=error, request=request)


def fire_heartbeats(
    aws: AwsAccounts,
    router: EventRouter,
    stacks: Iterable[tuple[str, list[RecordedResource]]],
    when: datetime,
) -> list[Fired]:
    """Fire every recorded heartbeat schedule still in moto, as of `when`."""
    fired: list[Fired] = []
    for account, resources in stacks:
        for resource in resources:
            if resource.type == SCHEDULE and resource.inputs["target"]["arn"] == TARGET_ARN:
                fired.append(_fire(aws, router, account, resource, when))
    return fired


def _fire(
    aws: AwsAccounts, router: EventRouter, account: str, resource: RecordedResource, when: datetime
) -> Fired:
    region, name, trace = resource.region, str(resource.outputs.get("name")), Trace()
    scheduler = aws.scheduler(account, region)
    try:
        target = scheduler.get_schedule(Name=name)["Target"]
        role_arn, request = str(target["RoleArn"]), target.get("Input")
    except scheduler.exceptions.ResourceNotFoundException:
        return Fired(account, region, name, False, "the schedule does not exist", trace)
    role = parse_arn(role_arn)
    role_name = role.resource_name if role is not None else ""
    trust = aws.role_trust_policy(account, role_name)
    if trust is None:
        return Fired(account, region, name, False, f"role {role_arn} does not exist", trace)
    if not service_may_assume(
        trust,
        role_arn=role_arn,
        service=SCHEDULER_SERVICE,
        source_account=account,
        source_arn=str(resource.arn),
    ):
        return Fired(
            account, region, name, False, f"role {role_arn} does not trust {SCHEDULER_SERVICE}", trace
        )
    allowed = evaluate(
        aws.inline_role_policies(account, role_name) or [],
        action=HEARTBEAT_ACTION,
        resource="*",
        caller=Caller(context={"aws:RequestedRegion": region}),
        resource_based=False,
    )
    error = None if allowed.allowed else f"{role_arn} is not authorized to perform: {HEARTBEAT_ACTION}"
    router.put_from_cloudtrail(call_record(account, region, role_arn, when, error, request=request), trace)
    return Fired(account, region, name, True, error or "called", trace)
