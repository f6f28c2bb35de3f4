"""The CloudFormation template a StackSet deploys in every member account and region: one spoke region.

Rendered from the same definitions `cover_account` deploys (`covered_events`, `forwarding`, `heartbeat`,
`policies`, `event_pattern`): a rule per kind of forwarded events (root activity or heartbeats; tamper) with
the shared patterns and rule state, its target on the hub bus with the same retry policy and dead-letter
queue, the dead-letter queue and the policy that lets the rules write to it, the delivery role, and the
heartbeat's role and schedule. What Pulumi knows only at deploy time (the hub bus ARN, the hub account) are
template parameters, so the template itself is a pure function of the code and can be linted offline.

Global IAM in a per-region StackSet: each regional stack instance creates its own delivery role (named by
CloudFormation, so the instances never collide). One role per region costs a few more IAM roles per
account, but every region deploys, updates and is removed on its own, with no second StackSet to order
before this one (`depends_on_stack_sets`) and no region whose deletion would pull the role from the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pulumi

from .. import forwarding, heartbeat, heartbeat_policies, policies
from ..config_keys import MAX_HEARTBEAT_INTERVAL_MINUTES, MIN_HEARTBEAT_INTERVAL_MINUTES
from ..event_pattern import ROOT_ACTIVITY_RULE_STATE
from ..tamper import tamper_events
from .cover import covered_events

RESOURCE_NAME_PREFIX = policies.MONITOR_NAME_PREFIX.rstrip("-")
"""Names the template's rules, schedule and queue, so a spoke's tamper rule watches them as it watches
SpokeForwarder's, and the protection policy covers both."""
TEMPLATE_BODY_LIMIT = 51_200
"""Bytes CloudFormation accepts in `TemplateBody`."""

HUB_EVENT_BUS_ARN = "HubEventBusArn"
HUB_ACCOUNT_ID = "HubAccountId"
MEMBER_ACCOUNT = "IsNotHubAccount"
DELIVERY_ROLE = "DeliveryRole"
DEAD_LETTER_QUEUE = "DeadLetterQueue"
DEAD_LETTER_QUEUE_POLICY = "DeadLetterQueuePolicy"
DELIVERY_ROLE_POLICY_NAME = "put-events-on-hub-bus"
HEARTBEAT_SCHEDULE_EXPRESSION = "HeartbeatScheduleExpression"
HEARTBEAT_MAXIMUM_EVENT_AGE = "HeartbeatMaximumEventAgeSeconds"
# The template's parameters for the heartbeat interval: CloudFormation cannot compute a rate expression or
# multiply, so the org stack hands both over, from the deployment's one interval (`heartbeat_parameters`).
HEARTBEAT_ROLE = "HeartbeatRole"
HEARTBEAT_SCHEDULE = "HeartbeatSchedule"
HEARTBEAT_ROLE_POLICY_NAME = "heartbeat-call"
# Stands for the heartbeat role's ARN in the heartbeat pattern until it becomes a GetAtt.
_HEARTBEAT_ROLE_ARN = "${HeartbeatRole.Arn}"


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def rule_logical_id(kind: str) -> str:
    """`RootActivityRule` for the kind `root-activity`, `TamperRule` for `tamper`, …"""
    return _camel(kind) + "Rule"


def _heartbeat() -> dict[str, Any]:
    """The region's heartbeat as `cover_account` makes it: a role (named with heartbeat.ROLE_NAME_PREFIX, as
    the hub's routing rule expects) and a schedule calling events:TestEventPattern at the interval the
    parameters give; the root-activity rule forwards its calls."""
    account, region = _ref("AWS::AccountId"), _ref("AWS::Region")
    resources = {
        HEARTBEAT_ROLE: {
            "Type": "AWS::IAM::Role",
            "Condition": MEMBER_ACCOUNT,
            "Properties": {
                # One role per regional stack instance: IAM is global, so the region is in the name.
                "RoleName": {"Fn::Sub": heartbeat.ROLE_NAME_PREFIX + "${AWS::Region}"},
                "Description": heartbeat.ROLE_DESCRIPTION,
                "AssumeRolePolicyDocument": heartbeat_policies.scheduler_assume_role_policy(account),
                "Policies": [
                    {
                        "PolicyName": HEARTBEAT_ROLE_POLICY_NAME,
                        "PolicyDocument": heartbeat_policies.heartbeat_call_policy([region]),
                    }
                ],
            },
        },
        HEARTBEAT_SCHEDULE: {
            "Type": "AWS::Scheduler::Schedule",
            "Condition": MEMBER_ACCOUNT,
            "Properties": {
                # Named like SpokeForwarder's (fixed prefix), so the protection policy and the hub's tamper
                # route find it; one stack instance per account and region, so the name is unique.
                "Name": heartbeat.SCHEDULE_NAME_PREFIX.rstrip("-"),
                "Description": heartbeat.SCHEDULE_DESCRIPTION,
                "ScheduleExpression": _ref(HEARTBEAT_SCHEDULE_EXPRESSION),
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": "ENABLED",
                "Target": {
                    "Arn": heartbeat.TARGET_ARN,
                    "RoleArn": _arn(HEARTBEAT_ROLE),
                    "Input": {"Fn::Sub": heartbeat.call_input("${AWS::AccountId}", "${AWS::Region}")},
                    "RetryPolicy": {
                        "MaximumEventAgeInSeconds": _ref(HEARTBEAT_MAXIMUM_EVENT_AGE),
                        "MaximumRetryAttempts": heartbeat.HEARTBEAT_RETRY_ATTEMPTS,
                    },
                },
            },
        },
    }
    return resources


def _with_refs(value: Any) -> Any:
    """A parsed event pattern with the heartbeat role's placeholder turned into a GetAtt."""
    if value == _HEARTBEAT_ROLE_ARN:
        return _arn(HEARTBEAT_ROLE)
    if isinstance(value, dict):
        return {key: _with_refs(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_refs(item) for item in value]
    return value


def target_id(kind: str) -> str:
    """The target's ID within its rule."""
    return f"hub-bus-{kind}"


def _ref(name: str) -> dict[str, Any]:
    return {"Ref": name}


def _arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def rule_name(kind: str) -> str:
    """The rule's name in each member account and region (one stack instance per account and region)."""
    return f"{RESOURCE_NAME_PREFIX}-{kind}"


def _rule_arn(kind: str) -> dict[str, Any]:
    # Built rather than read with GetAtt: the rule waits for the DLQ policy, which names the rule.
    return {
        "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/" + rule_name(kind)
    }


def spoke_template(forwarded: Sequence[forwarding.ForwardedEvents] | None = None) -> dict[str, Any]:
    """One region of a spoke as a CloudFormation template; every pattern must be a plain JSON string.

    By default it forwards what every covered region forwards (`covered_events`).
    """
    if forwarded is None:
        forwarded = covered_events(
            tamper_events(RESOURCE_NAME_PREFIX), heartbeat.forwarding_pattern(_HEARTBEAT_ROLE_ARN)
        )
    resources: dict[str, Any] = {
        DELIVERY_ROLE: {
            "Type": "AWS::IAM::Role",
            "Condition": MEMBER_ACCOUNT,
            "Properties": {
                # Named, so the tamper rule watches it as it watches SpokeForwarder's role; one per region.
                "RoleName": {"Fn::Sub": f"{policies.DELIVERY_ROLE_NAME_PREFIX}${{AWS::Region}}"},
                "Description": forwarding.DELIVERY_ROLE_DESCRIPTION,
                "AssumeRolePolicyDocument": policies.events_assume_role_policy(
                    _ref("AWS::AccountId"), _rule_arn("*")
                ),
                "Policies": [
                    {
                        "PolicyName": DELIVERY_ROLE_POLICY_NAME,
                        "PolicyDocument": policies.put_events_policy(_ref(HUB_EVENT_BUS_ARN)),
                    }
                ],
            },
        },
        DEAD_LETTER_QUEUE: {
            "Type": "AWS::SQS::Queue",
            "Condition": MEMBER_ACCOUNT,
            "Properties": {
                "QueueName": forwarding.DEAD_LETTER_NAME_PREFIX.rstrip("-"),
                "SqsManagedSseEnabled": True,
                "MessageRetentionPeriod": forwarding.DEAD_LETTER_RETENTION_SECONDS,
            },
        },
        DEAD_LETTER_QUEUE_POLICY: {
            "Type": "AWS::SQS::QueuePolicy",
            "Condition": MEMBER_ACCOUNT,
            "Properties": {
                "Queues": [_ref(DEAD_LETTER_QUEUE)],
                "PolicyDocument": policies.queue_send_from_rule_policy(
                    _arn(DEAD_LETTER_QUEUE), [_rule_arn(kind.kind) for kind in forwarded]
                ),
            },
        },
    }
    for kind in forwarded:
        if not isinstance(kind.pattern, str):
            message = f"the {kind.kind} pattern is not known until deploy time; a StackSet template needs it"
            raise TypeError(message)
        resources[rule_logical_id(kind.kind)] = {
            "Type": "AWS::Events::Rule",
            "Condition": MEMBER_ACCOUNT,
            # The role must be able to put events and the DLQ accept them before the first delivery.
            "DependsOn": [DEAD_LETTER_QUEUE_POLICY],
            "Properties": {
                "Name": rule_name(kind.kind),
                "Description": kind.description,
                "EventBusName": "default",
                "EventPattern": _with_refs(json.loads(kind.pattern)),
                "State": ROOT_ACTIVITY_RULE_STATE,
                "Targets": [
                    {
                        "Id": target_id(kind.kind),
                        "Arn": _ref(HUB_EVENT_BUS_ARN),
                        "RoleArn": _arn(DELIVERY_ROLE),
                        "RetryPolicy": {
                            "MaximumEventAgeInSeconds": forwarding.TARGET_MAXIMUM_EVENT_AGE_SECONDS,
                            "MaximumRetryAttempts": forwarding.TARGET_MAXIMUM_RETRY_ATTEMPTS,
                        },
                        "DeadLetterConfig": {"Arn": _arn(DEAD_LETTER_QUEUE)},
                    }
                ],
            },
        }
    resources.update(_heartbeat())
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "root-activity-monitor spoke: root activity of this account and region, to the hub",
        "Parameters": {
            HUB_EVENT_BUS_ARN: {
                "Type": "String",
                "AllowedPattern": r"^arn:aws:events:[a-z0-9-]+:\d{12}:event-bus/[A-Za-z0-9._-]+$",
                "Description": "The hub stack's eventBusArn output",
            },
            HUB_ACCOUNT_ID: {
                "Type": "String",
                "AllowedPattern": r"^\d{12}$",
                "Description": "The hub account, which watches itself: nothing is created there",
            },
            HEARTBEAT_SCHEDULE_EXPRESSION: {
                "Type": "String",
                "AllowedPattern": r"^rate\(\d+ minutes?\)$",
                "Default": heartbeat.schedule_expression(heartbeat.DEFAULT_INTERVAL_MINUTES),
                "Description": "How often the heartbeat calls: the hub's heartbeatIntervalMinutes as a rate",
            },
            HEARTBEAT_MAXIMUM_EVENT_AGE: {
                "Type": "Number",
                "MinValue": heartbeat.maximum_event_age_seconds(MIN_HEARTBEAT_INTERVAL_MINUTES),
                "MaxValue": heartbeat.maximum_event_age_seconds(MAX_HEARTBEAT_INTERVAL_MINUTES),
                "Default": heartbeat.maximum_event_age_seconds(heartbeat.DEFAULT_INTERVAL_MINUTES),
                "Description": "How long Scheduler retries a heartbeat call: one interval, at least 60 s",
            },
        },
        "Conditions": {
            MEMBER_ACCOUNT: {"Fn::Not": [{"Fn::Equals": [_ref("AWS::AccountId"), _ref(HUB_ACCOUNT_ID)]}]}
        },
        "Resources": resources,
        "Outputs": {
            f"{rule_logical_id(kind.kind)}Arn": {
                "Condition": MEMBER_ACCOUNT,
                "Value": _arn(rule_logical_id(kind.kind)),
            }
            for kind in forwarded
        },
    }


def heartbeat_parameters(interval_minutes: pulumi.Input[int]) -> dict[str, pulumi.Output[str]]:
    """The heartbeat parameters' values for an interval (which may be the hub stack's, an Output)."""
    interval = pulumi.Output.from_input(interval_minutes)
    return {
        HEARTBEAT_SCHEDULE_EXPRESSION: interval.apply(heartbeat.schedule_expression),
        HEARTBEAT_MAXIMUM_EVENT_AGE: interval.apply(
            lambda minutes: str(heartbeat.maximum_event_age_seconds(minutes))
        ),
    }


def spoke_template_body(forwarded: Sequence[forwarding.ForwardedEvents] | None = None) -> str:
    """The template as the compact JSON `TemplateBody` takes; fails if it would not fit."""
    body = json.dumps(spoke_template(forwarded), separators=(",", ":"), sort_keys=True)
    if len(body.encode()) > TEMPLATE_BODY_LIMIT:
        message = (
            f"the spoke template is {len(body.encode())} bytes; TemplateBody takes {TEMPLATE_BODY_LIMIT}"
        )
        raise ValueError(message)
    return body
