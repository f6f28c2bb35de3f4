"""Components used directly from another program: bad arguments fail at construction, naming the argument."""

from __future__ import annotations

import re
from typing import Any

import pytest
from root_activity_monitor import (
    ConfigError,
    HubNotifier,
    HubNotifierArgs,
    SpokeForwarder,
    SpokeForwarderArgs,
)

HUB_BUS_ARN = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
GOOD_HUB: dict[str, Any] = {"regions": ["us-east-1"], "organization_id": "o-a1b2c3d4e5"}
GOOD_SPOKE: dict[str, Any] = {"regions": ["us-east-1"], "hub_event_bus_arn": HUB_BUS_ARN}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"regions": []}, "HubNotifierArgs.regions must list at least one region"),
        ({"regions": ["useast1"]}, "HubNotifierArgs.regions[0] must be an AWS region"),
        ({"organization_id": "org-1"}, "HubNotifierArgs.organization_id must be an AWS Organizations ID"),
        (
            {"organization_id": None},
            "a hub needs HubNotifierArgs.organization_id, HubNotifierArgs.spoke_account_ids or both",
        ),
        ({"spoke_account_ids": ["1234567890123"]}, "HubNotifierArgs.spoke_account_ids[0] must be a 12-digit"),
        ({"notification_emails": ["ops@"]}, "HubNotifierArgs.notification_emails[0] must be an e-mail"),
        ({"event_bus_name": "bus.with.dots"}, "HubNotifierArgs.event_bus_name must be 1 to 55"),
        ({"batch_window_seconds": True}, "HubNotifierArgs.batch_window_seconds must be a whole number"),
        ({"batch_window_seconds": 1.5}, "HubNotifierArgs.batch_window_seconds must be a whole number"),
        ({"account_names": {"111111111111": 7}}, "HubNotifierArgs.account_names['111111111111'] must be"),
        ({"log_retention_days": 10}, "HubNotifierArgs.log_retention_days must be one of"),
    ],
)
def test_bad_hub_arguments_name_the_argument(
    record_stack: Any, changes: dict[str, Any], message: str
) -> None:
    """GIVEN a bad HubNotifier argument WHEN the component is built THEN ConfigError names it."""
    args = {**GOOD_HUB, **changes}
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack({}, program=lambda: HubNotifier("hub", HubNotifierArgs(**args)))  # type: ignore[typeddict-item]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"regions": ["us-east-1", "us-east-1"]},
            "SpokeForwarderArgs.regions lists 'us-east-1' more than once",
        ),
        ({"hub_event_bus_arn": None}, "SpokeForwarderArgs.hub_event_bus_arn is required"),
        (
            {"hub_event_bus_arn": "root-activity-monitor"},
            "SpokeForwarderArgs.hub_event_bus_arn must be an event bus ARN",
        ),
    ],
)
def test_bad_spoke_arguments_name_the_argument(
    record_stack: Any, changes: dict[str, Any], message: str
) -> None:
    """GIVEN a bad SpokeForwarder argument WHEN the component is built THEN ConfigError names it."""
    args = {key: value for key, value in {**GOOD_SPOKE, **changes}.items() if value is not None}
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack({}, program=lambda: SpokeForwarder("spoke", SpokeForwarderArgs(**args)))  # type: ignore[typeddict-item]


def test_hub_log_retention_is_configurable(record_stack: Any) -> None:
    """GIVEN log_retention_days 30 THEN the notifier's log group keeps logs for 30 days."""
    recorded = record_stack(
        {}, program=lambda: HubNotifier("hub", HubNotifierArgs(**GOOD_HUB, log_retention_days=30))
    )
    groups = recorded.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert {group.name: group.inputs["retentionInDays"] for group in groups} == {
        "hub-notifier-logs": 30,
        "hub-watchdog-logs": 30,
        "hub-posture-logs": 30,
    }


def test_event_bus_name_also_names_the_function_and_log_group(record_stack: Any) -> None:
    """GIVEN event_bus_name 'audit' THEN the bus, functions and log groups are named from it."""
    recorded = record_stack(
        {}, program=lambda: HubNotifier("hub", HubNotifierArgs(**GOOD_HUB, event_bus_name="audit"))
    )
    assert recorded.one("aws:cloudwatch/eventBus:EventBus").inputs["name"] == "audit"
    functions = {f.name: f.inputs["name"] for f in recorded.of_type("aws:lambda/function:Function")}
    assert functions == {
        "hub-notifier": "audit-notifier",
        "hub-watchdog": "audit-watchdog",
        "hub-posture": "audit-posture",
    }
    groups = {g.name: g.inputs["name"] for g in recorded.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert groups == {
        "hub-notifier-logs": "/aws/lambda/audit-notifier",
        "hub-watchdog-logs": "/aws/lambda/audit-watchdog",
        "hub-posture-logs": "/aws/lambda/audit-posture",
    }
