"""Tamper alerts: the EventBridge pattern for changes, by anyone, that would blind or bypass the monitor.

Every forwarding region (spokes and the hub's own account) forwards these CloudTrail records to the hub on a
rule of their own, next to the root-activity rule; the hub bus routes them into the same buffer queue, and
the notifier reports them with `category: "tamper"`. Where a record names the resource it changed, the
pattern keeps only the monitor's own resources, which Pulumi names from the component name (and the hub
bus from `event_bus_name`): `prefix`/`wildcard`/`suffix` on `requestParameters` fields. Trail changes and an
account leaving the organization are matched whatever their target: any trail may be the one that feeds
the monitor.

Root's own calls are left out (`anything-but`): the root-activity rule already forwards them, and one
record on two rules would be notified twice.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi

from .event_pattern import API_CALL_DETAIL_TYPE
from .forwarding import ForwardedEvents
from .validation import ConfigError

TAMPER_KIND = "tamper"
# EventBridge's default event-pattern quota (adjustable to 4,096): the pattern must fit it.
EVENT_PATTERN_LIMIT = 2048

# Every call that would blind the monitor starts with one of these or is listed (CloudTrail names Lambda's
# calls with an API-version suffix, `UpdateFunctionConfiguration20150331v2`, hence prefixes). Together with
# the resource-name conditions below this keeps reads (Get/List/Describe) and unrelated writes out, in few
# enough characters to fit EventBridge's pattern quota.
CHANGE_PREFIXES = ("Delete", "Put", "Remove", "Update")
CHANGE_NAMES = (
    "DisableRule",
    "StopLogging",
    "SetQueueAttributes",
    "PurgeQueue",
    "Unsubscribe",
    "SetTopicAttributes",
    "SetSubscriptionAttributes",
    "DisableKey",
    "ScheduleKeyDeletion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "LeaveOrganization",
    "DisableAlarmActions",
    "SetAlarmState",
)
# Matched whatever resource they name: any trail may be the one feeding the monitor.
CLOUDTRAIL_CALLS = ("StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors")
ORGANIZATIONS_CALLS = ("LeaveOrganization", "RemoveAccountFromOrganization")
# CloudTrail records these by UUID only, so the hub matches every mapping change in its account.
EVENT_SOURCE_MAPPING_CALLS = ("UpdateEventSourceMapping", "DeleteEventSourceMapping")
# requestParameters fields that carry a monitor resource's name: rule (EventBridge), schedule (Scheduler),
# role (IAM). The hub bus (`name`, `eventBusName`) and function (`functionName`) are named from the bus name.
NAME_FIELDS = ("name", "rule", "roleName")
BUS_NAME_FIELDS = ("name", "eventBusName")

TAMPER_SOURCES = (
    "aws.events",
    "aws.cloudtrail",
    "aws.sqs",
    "aws.lambda",
    "aws.sns",
    "aws.kms",
    "aws.iam",
    "aws.organizations",
    "aws.scheduler",
    # CloudWatch records its calls as monitoring.amazonaws.com; both spellings of the source are admitted.
    "aws.cloudwatch",
    "aws.monitoring",
)


def _source(service: str) -> list[str]:
    return [f"{service}.amazonaws.com"]


def tamper_pattern(
    component_name: str, *, bus_name: str | None = None, key_id: str | None = None
) -> dict[str, Any]:
    """Changes that would blind the monitor, to resources named from `component_name` (Pulumi's auto-names
    `<component>-<child>-<suffix>`), to the hub bus and function named from `bus_name`, and to trails.

    `key_id`: the hub's topic key; its disabling, deletion or policy change is matched (by key ID or ARN,
    hence a suffix), and so are event source mapping changes.
    """
    mine = [{"prefix": component_name}]
    buses = [{"prefix": name} for name in dict.fromkeys((component_name, bus_name or component_name))]
    branches: list[dict[str, Any]] = [
        {"eventSource": _source("cloudtrail"), "eventName": list(CLOUDTRAIL_CALLS)},
        {"eventSource": _source("organizations"), "eventName": list(ORGANIZATIONS_CALLS)},
        {"requestParameters": {"name": buses}},
        {"requestParameters": {"eventBusName": buses}},
        {"requestParameters": {"rule": mine}},
        {"requestParameters": {"roleName": mine}},
        # The health alarms: deleted, their actions disabled, redefined or forced to OK.
        {"requestParameters": {"alarmNames": mine}},
        {"requestParameters": {"alarmName": mine}},
        # A function is named by name or ARN; queues by URL, topics and subscriptions by ARN.
        {
            "requestParameters": {
                "functionName": [*buses, *({"wildcard": f"*:{b['prefix']}*"} for b in buses)]
            }
        },
        {"requestParameters": {"queueUrl": [{"wildcard": f"*/{component_name}*"}]}},
        {"requestParameters": {"topicArn": [{"wildcard": f"*:{component_name}*"}]}},
        {"requestParameters": {"subscriptionArn": [{"wildcard": f"*:{component_name}*"}]}},
    ]
    if key_id is not None:
        branches.append({"eventSource": _source("kms"), "requestParameters": {"keyId": [{"suffix": key_id}]}})
        branches.append(
            {
                "eventSource": _source("lambda"),
                "eventName": [{"prefix": c} for c in EVENT_SOURCE_MAPPING_CALLS],
            }
        )
    # No `source` condition, to stay under the quota: the branches name the services or the monitor's
    # resources, and the hub rule and the notifier keep only the watched services.
    return {
        "detail-type": [API_CALL_DETAIL_TYPE],
        "detail": {
            "userIdentity": {"type": [{"anything-but": "Root"}]},
            "eventName": [{"prefix": p} for p in CHANGE_PREFIXES] + list(CHANGE_NAMES),
            "$or": branches,
        },
    }


def hub_routing_pattern() -> dict[str, Any]:
    """What the hub bus sends on to the buffer as tamper: non-root CloudTrail calls to the watched services.

    The forwarding rules have already picked the monitor's resources; only they and the organization may
    put events on the hub bus, and `PutEvents` refuses an `aws.` source, so these cannot be forged.
    """
    return {
        "source": list(TAMPER_SOURCES),
        "detail-type": [API_CALL_DETAIL_TYPE],
        "detail": {"userIdentity": {"type": [{"anything-but": "Root"}]}},
    }


def pattern_text(pattern: dict[str, Any]) -> str:
    """The pattern as the compact JSON EventBridge takes; refuses one over EventBridge's default quota."""
    text = json.dumps(pattern, separators=(",", ":"))
    if len(text) > EVENT_PATTERN_LIMIT:
        message = (
            f"the tamper event pattern is {len(text)} characters, over EventBridge's default quota of "
            f"{EVENT_PATTERN_LIMIT}: use a shorter component name or event_bus_name"
        )
        raise ConfigError(message)
    return text


def tamper_events(
    component_name: str, *, bus_name: str | None = None, key_id: pulumi.Input[str] | None = None
) -> ForwardedEvents:
    """The tamper kind of forwarded events, for `forwarding.forward_regions(forwarded=...)`."""
    pattern: pulumi.Input[str]
    if key_id is None:
        pattern = pattern_text(tamper_pattern(component_name, bus_name=bus_name))
    else:
        pattern = pulumi.Output.from_input(key_id).apply(
            lambda key: pattern_text(tamper_pattern(component_name, bus_name=bus_name, key_id=key))
        )
    return ForwardedEvents(
        kind=TAMPER_KIND,
        pattern=pattern,
        description="Changes by anyone that would blind the root-activity monitor, forwarded to the hub",
        hub_description="Changes that would blind the root-activity monitor, buffered for the notifier",
    )


HUB_TAMPER_ROUTE = ForwardedEvents(
    kind=TAMPER_KIND,
    pattern=json.dumps(hub_routing_pattern(), separators=(",", ":")),
    description="Changes by anyone that would blind the root-activity monitor, forwarded to the hub",
    hub_description="Changes that would blind the root-activity monitor, buffered for the notifier",
)
