"""Reading resources as the policy SDK hands them over: type tokens, URNs, regions and JSON properties.

Props arrive with the provider's camelCase input names (`eventPattern`, `kmsMasterKeyId`) as read-only
mappings that raise `UnknownValueError` when a value is not known yet (during preview); the SDK reports
that as "can't run policy during preview" rather than a violation, so nothing here guesses a value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

from .expected import (
    AWS_MANAGED_KEY_ALIAS_PREFIX,
    FORWARDED_PATTERNS,
    HEARTBEAT_ROLE_NAME_PREFIX,
    MONITOR_TYPE_PREFIX,
    ROOT_ACTIVITY_EVENT_PATTERN,
    root_or_heartbeat_pattern,
)

EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
EVENT_BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_PERMISSION = "aws:cloudwatch/eventPermission:EventPermission"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
KMS_KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"

DEFAULT_BUS = "default"


def in_monitor(urn: str) -> bool:
    """Whether a resource was created inside one of this project's components (HubNotifier, SpokeForwarder).

    A URN is `urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>`: the parents' type tokens
    say which component a resource belongs to, whatever the program around it calls things.
    """
    parts = urn.split("::")
    if len(parts) < 4:
        return False
    *parents, _own_type = parts[2].split("$")
    return any(token.startswith(MONITOR_TYPE_PREFIX) for token in parents)


def is_set(props: Mapping[str, Any], *path: str) -> bool:
    """Whether a (nested) property is given; a value known only after deploy (a new queue's ARN) is given."""
    value: Any = props
    for key in path:
        # Iterating a props mapping reads no value, so it never raises for an unknown one.
        if not isinstance(value, Mapping) or key not in list(value):
            return False
        try:
            value = value[key]
        except UnknownValueError:
            return True
    return value is not None and value != ""


def known(props: Mapping[str, Any], key: str) -> Any:
    """A property's value, or None when it is absent or not known until deploy."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None


def json_value(raw: Any) -> Any:
    """A JSON-string property (a policy document, an event pattern) parsed; None when absent or not JSON."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return None


def plain(value: Any) -> Any:
    """A props value as plain dicts and lists, for comparing with an expected document."""
    if isinstance(value, Mapping):
        return {key: plain(value[key]) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(item) for item in value]
    return value


def event_pattern(props: Mapping[str, Any]) -> Any:
    """A rule's event pattern as data, or None for a rule without one (a schedule)."""
    return plain(json_value(props.get("eventPattern")))


def is_root_or_heartbeat(pattern: Any) -> bool:
    """Whether a pattern selects exactly root activity or the heartbeats of one heartbeat role."""
    try:
        role_arn = pattern["$or"][1]["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"][0]
    except (KeyError, IndexError, TypeError):
        return False
    return (
        isinstance(role_arn, str)
        and f":role/{HEARTBEAT_ROLE_NAME_PREFIX}" in role_arn
        and pattern == root_or_heartbeat_pattern(role_arn)
    )


def is_root_activity_rule(props: Mapping[str, Any]) -> bool:
    """Whether a rule selects exactly the root-activity events (with a covered region's heartbeats or not)."""
    pattern = event_pattern(props)
    return bool(pattern == ROOT_ACTIVITY_EVENT_PATTERN) or is_root_or_heartbeat(pattern)


def is_known_pattern(pattern: Any) -> bool:
    """Whether a pattern is one of the kinds of events the monitor forwards."""
    return any(pattern == known for known in FORWARDED_PATTERNS.values()) or is_root_or_heartbeat(pattern)


def watched_rule(resource_type: str, urn: str, props: Mapping[str, Any]) -> bool:
    """A rule the monitor relies on: an event-pattern rule of its components, or any root-activity rule."""
    if resource_type != EVENT_RULE or not is_set(props, "eventPattern"):
        return False
    return in_monitor(urn) or is_root_activity_rule(props)


def on_default_bus(props: Mapping[str, Any]) -> bool:
    """Whether a rule watches its region's default bus (where CloudTrail delivers), by name or ARN."""
    if not is_set(props, "eventBusName"):
        return True
    bus = known(props, "eventBusName")
    if bus is None:
        return False  # known only after deploy: a bus this stack creates, so not a default bus
    return bool(bus == DEFAULT_BUS or str(bus).endswith(f":event-bus/{DEFAULT_BUS}"))


def region_of(props: Mapping[str, Any], provider_props: Mapping[str, Any] | None) -> str | None:
    """A resource's region: its own `region` (pulumi-aws v7), else its provider's."""
    region = known(props, "region")
    if region:
        return str(region)
    provider_region = known(provider_props, "region") if provider_props is not None else None
    return str(provider_region) if provider_region else None


def is_aws_managed_key(key: str) -> bool:
    """Whether a KMS key reference (ID, ARN, alias or alias ARN) names an AWS-managed key."""
    resource = key.split(":", 5)[-1] if key.startswith("arn:") else key
    return resource.startswith(AWS_MANAGED_KEY_ALIAS_PREFIX)
