"""Tamper alerts: the EventBridge pattern for changes, by anyone, that would blind or bypass the monitor.

Every forwarding region (spokes and the hub's own account) forwards these CloudTrail records to the hub on a
rule of their own, next to the root-activity rule; the hub bus routes them into the same buffer queue, and
the notifier reports them with `category: "tamper"`. Where a record names the resource it changed, the
pattern keeps only the monitor's own resources, named from the component name or, in covered regions, with
the fixed `root-activity-monitor-` prefix (and the hub bus from `event_bus_name`): `prefix`/`wildcard`/
`suffix` on `requestParameters` fields. Trail changes and an account leaving the organization are matched
whatever their target: any trail may be the one that feeds the monitor.

Root's own calls are left out (`anything-but`): the root-activity rule already forwards them, and one
record on two rules would be notified twice.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi

from . import heartbeat
from .event_pattern import API_CALL_DETAIL_TYPE, AWS_SOURCE_PREFIX
from .forwarding import ForwardedEvents
from .policies import DELIVERY_ROLE_NAME_PREFIX, MONITOR_NAME_PREFIX, MONITOR_RULE_CHANGES
from .validation import ConfigError

TAMPER_KIND = "tamper"
TAMPER_DESCRIPTION = "Changes by anyone that would blind the root-activity monitor, forwarded to the hub"
TAMPER_HUB_DESCRIPTION = "Changes that would blind the root-activity monitor, buffered for the notifier"
# EventBridge's default event-pattern quota (adjustable to 4,096): the pattern must fit it.
EVENT_PATTERN_LIMIT = 2048

# Every call that would blind the monitor starts with one of these or is listed (CloudTrail names Lambda's
# calls with an API-version suffix, `UpdateFunctionConfiguration20150331v2`, hence prefixes). Together with
# the resource-name conditions below this keeps reads (Get/List/Describe) and unrelated writes out, in few
# enough characters to fit EventBridge's pattern quota.
# `Set` stands for SetQueueAttributes, SetTopicAttributes, SetSubscriptionAttributes and SetAlarmState;
# `Disable` for DisableRule, DisableKey and DisableAlarmActions: prefixes keep the hub route under the quota.
CHANGE_PREFIXES = ("Delete", "Put", "Remove", "Update", "Set", "Disable")
CHANGE_NAMES = (
    "StopLogging",
    "PurgeQueue",
    "Unsubscribe",
    "ScheduleKeyDeletion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "LeaveOrganization",
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
# Roles named with these prefixes, whatever the component's name: the hub bus admits any account's role
# named like a delivery role, so creating or granting one is tampering too.
FIXED_ROLE_PREFIXES = (DELIVERY_ROLE_NAME_PREFIX, heartbeat.ROLE_NAME_PREFIX)

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


def monitor_name_prefixes(component_name: str) -> tuple[str, ...]:
    """The name prefixes of the monitor's resources: the component's (its hub resources, Pulumi's auto-names)
    and the fixed one every covered region's rules, schedules and queues carry, whatever the component's
    name (so a spoke named otherwise than the hub is still watched at the hub)."""
    if MONITOR_NAME_PREFIX.startswith(component_name):
        return (component_name,)
    return (component_name, MONITOR_NAME_PREFIX)


def tamper_pattern(
    component_name: str,
    *,
    bus_name: str | None = None,
    key_id: str | None = None,
    account_id: str | None = None,
) -> dict[str, Any]:
    """Changes that would blind the monitor, to resources named from `component_name` (Pulumi's auto-names
    `<component>-<child>-<suffix>`) or with the fixed prefix of covered regions' resources, to the hub bus
    and function named from `bus_name`, to roles named like the monitor's delivery and heartbeat roles, and
    to trails.

    `key_id` and `account_id` (the hub's): its topic key's disabling, deletion or policy change is matched
    (by key ID or ARN, hence a suffix), and so are event source mapping changes in the hub account.
    """
    names = monitor_name_prefixes(component_name)
    mine = [{"prefix": name} for name in names]
    roles = mine + [{"prefix": p} for p in FIXED_ROLE_PREFIXES if not p.startswith(names)]
    # The hub's own resources (bus, function, alarms) are named from the component and bus names only.
    hub_names = dict.fromkeys((component_name, bus_name or component_name))
    buses = [{"prefix": name} for name in hub_names]
    named = [{"prefix": name} for name in dict.fromkeys((*names, *hub_names))]
    component = [{"prefix": component_name}]
    branches: list[dict[str, Any]] = [
        {"eventSource": _source("cloudtrail"), "eventName": list(CLOUDTRAIL_CALLS)},
        {"eventSource": _source("organizations"), "eventName": list(ORGANIZATIONS_CALLS)},
        {"requestParameters": {"name": named}},
        {"requestParameters": {"eventBusName": buses}},
        {"requestParameters": {"rule": mine}},
        {"requestParameters": {"roleName": roles}},
        # The health alarms: deleted, their actions disabled, redefined or forced to OK.
        {"requestParameters": {"alarmNames": component}},
        {"requestParameters": {"alarmName": component}},
        # A function is named by name or ARN; queues by URL, topics and subscriptions by ARN.
        {
            "requestParameters": {
                "functionName": [*buses, *({"wildcard": f"*:{b['prefix']}*"} for b in buses)]
            }
        },
        {"requestParameters": {"queueUrl": [{"wildcard": f"*/{name}*"} for name in names]}},
        {"requestParameters": {"topicArn": [{"wildcard": f"*:{component_name}*"}]}},
        {"requestParameters": {"subscriptionArn": [{"wildcard": f"*:{component_name}*"}]}},
    ]
    if key_id is not None:
        branches.append({"eventSource": _source("kms"), "requestParameters": {"keyId": [{"suffix": key_id}]}})
    if account_id is not None:
        branches.append(
            {
                "eventSource": _source("lambda"),
                "eventName": [{"prefix": c} for c in EVENT_SOURCE_MAPPING_CALLS],
                "recipientAccountId": [account_id],
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
    component_name: str,
    *,
    bus_name: str | None = None,
    key_id: pulumi.Input[str] | None = None,
    account_id: pulumi.Input[str] | None = None,
) -> ForwardedEvents:
    """The tamper kind of forwarded events, for `forwarding.forward_regions(forwarded=...)`."""
    pattern: pulumi.Input[str]
    if key_id is None and account_id is None:
        pattern = pattern_text(tamper_pattern(component_name, bus_name=bus_name))
    else:
        pattern = pulumi.Output.all(key_id, account_id).apply(
            lambda ids: pattern_text(
                tamper_pattern(component_name, bus_name=bus_name, key_id=ids[0], account_id=ids[1])
            )
        )
    return ForwardedEvents(
        kind=TAMPER_KIND,
        pattern=pattern,
        description=TAMPER_DESCRIPTION,
        hub_description=TAMPER_HUB_DESCRIPTION,
    )


def hub_routing_pattern(
    component_name: str,
    *,
    bus_name: str | None = None,
    key_id: str | None = None,
    account_id: str | None = None,
) -> dict[str, Any]:
    """What the hub bus sends on to the buffer as tamper: what the hub's own tamper rules forward (a superset
    of what every spoke's, named from the same component, forwards), from CloudTrail only.

    The hub never trusts that a spoke filtered: a member's own rule forwarding its ordinary calls reaches no
    queue. The `aws.` source is what PutEvents refuses to a custom event, so none can be forged.
    """
    pattern = tamper_pattern(component_name, bus_name=bus_name, key_id=key_id, account_id=account_id)
    return {"source": [{"prefix": AWS_SOURCE_PREFIX}], **pattern}


def hub_tamper_route(
    component_name: str,
    *,
    bus_name: str,
    key_id: pulumi.Input[str],
    account_id: pulumi.Input[str],
) -> ForwardedEvents:
    """The hub bus's routing of tamper events into the buffer queue."""
    return ForwardedEvents(
        kind=TAMPER_KIND,
        pattern=pulumi.Output.all(key_id, account_id).apply(
            lambda ids: pattern_text(
                hub_routing_pattern(component_name, bus_name=bus_name, key_id=ids[0], account_id=ids[1])
            )
        ),
        description=TAMPER_DESCRIPTION,
        hub_description=TAMPER_HUB_DESCRIPTION,
    )


def tamper_rule_changes() -> list[dict[str, Any]]:
    """Whole patterns of every change, by anyone, to a tamper rule (named `name` or, for targets, `rule`).

    Tamper rules are named `root-activity-monitor-tamper-<unique ID>` by Pulumi and
    `root-activity-monitor-tamper` by the StackSet; matching any rule named `…-tamper…` keeps these patterns
    constant, and the hub's tamper route keeps only the monitor's own.
    """
    tamper_rules = [{"wildcard": f"*-{TAMPER_KIND}*"}]
    return [
        {
            "source": ["aws.events"],
            "detail-type": [API_CALL_DETAIL_TYPE],
            "detail": {
                "eventSource": _source("events"),
                # The EventBridge calls that can silence a rule.
                "eventName": list(MONITOR_RULE_CHANGES),
                "requestParameters": {field: tamper_rules},
            },
        }
        for field in ("name", "rule")
    ]


def watching_the_tamper_rule(pattern: str) -> str:
    """`pattern` (a root-activity rule's) or a change to the tamper rule: one `$or` of whole patterns.

    CloudTrail hands EventBridge a record after the call took effect: a disabled or re-patterned tamper rule
    never forwards its own change. The root-activity rule does, so silencing the tamper rule first is
    reported; silencing the root-activity rule is the tamper rule's to report.
    """
    parsed = json.loads(pattern)
    alternatives = parsed["$or"] if set(parsed) == {"$or"} else [parsed]
    return json.dumps({"$or": [*alternatives, *tamper_rule_changes()]}, sort_keys=True)
