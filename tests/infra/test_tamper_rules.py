"""Tamper rules: every forwarding region forwards changes that would blind the monitor, and only those.

Each recorded resource name is the one Pulumi's auto-naming gives under the mocks, so a change to a real
monitor resource is built from the recorded graph and run through moto's pattern matcher (the one
`simulate` uses).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from infra_fixtures import (
    ALARM,
    COMPONENT,
    HUB_ACCOUNT,
    HUB_BUS_ARN,
    HUB_REGION,
    KEY,
    QUEUE,
    REGIONS,
    ROLE,
    RULE,
    SCHEDULE,
    SPOKE_ACCOUNT,
    TABLE,
    TARGET,
    TOPIC,
)
from moto.events.models import EventPattern
from root_activity_monitor import ConfigError, SpokeForwarder, SpokeForwarderArgs
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_RULE_STATE
from root_activity_monitor.policies import MONITOR_NAME_PREFIX
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.tamper import (
    EVENT_PATTERN_LIMIT,
    TAMPER_SOURCES,
    hub_routing_pattern,
    pattern_text,
    tamper_pattern,
)

from handler.tamper_intake import WATCHED_SOURCES
from tests.recording import RecordStack

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "events"))
from load import load_event


def change(
    source: str, name: str, parameters: dict[str, Any] | None, identity: str = "AssumedRole"
) -> dict[str, Any]:
    """A CloudTrail API-call event made from the recorded DisableRule fixture."""
    event = load_event("tamper_disable_rule", eventSource=f"{source}.amazonaws.com", eventName=name)
    event["source"] = f"aws.{source}"
    event["detail"]["requestParameters"] = parameters
    event["detail"]["userIdentity"]["type"] = identity
    return event


def in_account(event: dict[str, Any], account_id: str) -> dict[str, Any]:
    """`event` as recorded in `account_id`."""
    event["account"] = event["detail"]["recipientAccountId"] = account_id
    return event


def forwarding_pattern(stack: RecordedStack, region: str) -> EventPattern:
    rule = stack.named(RULE, f"{COMPONENT}-forward-{region}-tamper-rule")
    return EventPattern.load(rule.inputs["eventPattern"])


def monitor_changes(stack: RecordedStack, hub: bool) -> dict[str, dict[str, Any]]:
    """One blinding change per kind of monitor resource, named as recorded."""
    rule = stack.named(RULE, f"{COMPONENT}-forward-us-east-1-rule").outputs["name"]
    dlq = stack.named(QUEUE, f"{COMPONENT}-forward-us-east-1-dlq").outputs["url"]
    role = stack.named(ROLE, f"{COMPONENT}-forward-role").outputs["name"]
    changes = {
        "disable rule": change("events", "DisableRule", {"name": rule}),
        "remove targets": change("events", "RemoveTargets", {"rule": rule, "ids": ["1"]}),
        "re-pattern rule": change("events", "PutRule", {"name": rule, "eventPattern": "{}"}),
        "stop trail": change("cloudtrail", "StopLogging", {"name": "org-trail"}),
        "narrow trail": change("cloudtrail", "PutEventSelectors", {"trailName": "org-trail"}),
        "purge dlq": change("sqs", "PurgeQueue", {"queueUrl": dlq}),
        "role policy": change("iam", "DeleteRolePolicy", {"roleName": role, "policyName": "p"}),
        "leave org": change("organizations", "LeaveOrganization", None),
        "remove account": change("organizations", "RemoveAccountFromOrganization", {"accountId": "2" * 12}),
        "heartbeat schedule": change("scheduler", "DeleteSchedule", {"name": f"{COMPONENT}-heartbeat-x"}),
    }
    if hub:
        # Only the hub has alarms and a topic: covered regions are proven by the heartbeat.
        topic = stack.named(TOPIC, f"{COMPONENT}-topic").arn
        alarm = stack.named(ALARM, f"{COMPONENT}-buffer-dlq-alarm").outputs["name"]
        key = stack.one(KEY)
        function = "root-activity-monitor-notifier"
        changes |= {
            "topic": change("sns", "SetTopicAttributes", {"topicArn": topic, "attributeName": "Policy"}),
            "unsubscribe": change("sns", "Unsubscribe", {"subscriptionArn": f"{topic}:0b1c2d3e"}),
            "alarm deleted": change("monitoring", "DeleteAlarms", {"alarmNames": ["other", alarm]}),
            "alarm silenced": change("monitoring", "DisableAlarmActions", {"alarmNames": [alarm]}),
            "alarm forced ok": change(
                "monitoring", "SetAlarmState", {"alarmName": alarm, "stateValue": "OK"}
            ),
            "delete bus": change("events", "DeleteEventBus", {"name": "root-activity-monitor"}),
            "bus policy": change("events", "RemovePermission", {"eventBusName": "root-activity-monitor"}),
            "function": change("lambda", "UpdateFunctionConfiguration20150331v2", {"functionName": function}),
            "concurrency": change(
                "lambda", "PutFunctionConcurrency20171031", {"functionName": f"arn:x:function:{function}"}
            ),
            "mapping": in_account(
                change("lambda", "DeleteEventSourceMapping20150331", {"uUID": "8c9d0e1f"}), stack.account_id
            ),
            "key deletion": change(
                "kms", "ScheduleKeyDeletion", {"keyId": key.arn, "pendingWindowInDays": 7}
            ),
            "key disabled": change("kms", "DisableKey", {"keyId": key.outputs["keyId"]}),
            # What the watchdog and the posture audit read and run on: tables, schedules, functions.
            **table_changes(stack),
            "watchdog schedule disabled": change(
                "scheduler", "UpdateSchedule", {"name": hub_name(stack, SCHEDULE, "watchdog-schedule")}
            ),
            "posture schedule deleted": change(
                "scheduler", "DeleteSchedule", {"name": hub_name(stack, SCHEDULE, "posture-schedule")}
            ),
            "watchdog never runs": change(
                "lambda",
                "PutFunctionConcurrency20171031",
                {"functionName": "root-activity-monitor-watchdog", "reservedConcurrentExecutions": 0},
            ),
            "posture function": change(
                "lambda", "DeleteFunction20150331", {"functionName": "root-activity-monitor-posture"}
            ),
        }
    return changes


def hub_name(stack: RecordedStack, type_token: str, child: str) -> str:
    return str(stack.named(type_token, f"{COMPONENT}-{child}").outputs["name"])


def table_changes(stack: RecordedStack) -> dict[str, dict[str, Any]]:
    """Changes to the hub's tables that would blind the watchdog (heartbeats) or the posture audit."""
    heartbeats, posture = hub_name(stack, TABLE, "heartbeats"), hub_name(stack, TABLE, "posture")
    arn = stack.named(TABLE, f"{COMPONENT}-heartbeats").arn
    ttl = {"enabled": True, "attributeName": "lastHeard"}
    return {
        "heartbeat table deleted": change("dynamodb", "DeleteTable", {"tableName": heartbeats}),
        "heartbeat table throttled": change(
            "dynamodb", "UpdateTable", {"tableName": heartbeats, "billingMode": "PROVISIONED"}
        ),
        "heartbeats expired at once": change(
            "dynamodb", "UpdateTimeToLive", {"tableName": heartbeats, "timeToLiveSpecification": ttl}
        ),
        "heartbeat table denied": change(
            "dynamodb", "PutResourcePolicy", {"resourceArn": arn, "policy": "{}"}
        ),
        "posture table deleted": change("dynamodb", "DeleteTable", {"tableName": posture}),
    }


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
@pytest.mark.parametrize("region", REGIONS)
def test_each_region_forwards_tamper_events_to_the_hub_bus(
    stack_name: str, region: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN a forwarding region THEN a tamper rule, in the project's rule state, targets the hub bus."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    rule = stack.named(RULE, f"{COMPONENT}-forward-{region}-tamper-rule")
    target = stack.named(TARGET, f"{COMPONENT}-forward-{region}-tamper-target")
    assert rule.inputs["region"] == target.inputs["region"] == region
    assert rule.inputs["state"] == ROOT_ACTIVITY_RULE_STATE
    assert len(rule.inputs["eventPattern"]) <= EVENT_PATTERN_LIMIT
    assert target.inputs["rule"] == rule.outputs["name"]
    bus = HUB_BUS_ARN if stack_name == "spoke_stack" else stack.one("aws:cloudwatch/eventBus:EventBus").arn
    assert target.inputs["arn"] == bus
    dlq = stack.named(QUEUE, f"{COMPONENT}-forward-{region}-dlq")
    assert target.inputs["deadLetterConfig"] == {"arn": dlq.arn}


def test_spoke_pattern_is_the_component_s_tamper_pattern(spoke_stack: RecordedStack) -> None:
    """GIVEN a spoke THEN its tamper pattern watches resources named from the component, without hub parts."""
    pattern = json.loads(
        spoke_stack.named(RULE, f"{COMPONENT}-forward-us-east-1-tamper-rule").inputs["eventPattern"]
    )
    assert pattern == tamper_pattern(COMPONENT)


def test_hub_pattern_adds_the_bus_function_and_topic_key(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN its tamper pattern also names its bus and function and matches its key's ID."""
    pattern = json.loads(
        hub_stack.named(RULE, f"{COMPONENT}-forward-us-east-1-tamper-rule").inputs["eventPattern"]
    )
    key_id = hub_stack.one(KEY).outputs["keyId"]
    assert pattern == tamper_pattern(
        COMPONENT, bus_name="root-activity-monitor", key_id=key_id, account_id=hub_stack.account_id
    )


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_changes_to_the_monitor_by_anyone_but_root_match(
    stack_name: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN each blinding change to a recorded monitor resource THEN moto matches it on the tamper rule."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    pattern = forwarding_pattern(stack, "us-east-1")
    for what, event in monitor_changes(stack, hub=stack_name == "hub_stack").items():
        assert pattern.matches_event(event), what
        event["detail"]["userIdentity"]["type"] = "Root"  # root's own rule forwards it instead
        assert not pattern.matches_event(event), what


@pytest.mark.parametrize(
    ("what", "event"),
    [
        ("another team's rule", change("events", "DisableRule", {"name": "billing-alerts"})),
        ("a read of the monitor's rule", change("events", "DescribeRule", {"name": f"{COMPONENT}-x"})),
        ("another queue", change("sqs", "PurgeQueue", {"queueUrl": "https://sqs.x/1/orders"})),
        ("another role", change("iam", "DeleteRolePolicy", {"roleName": "app", "policyName": "p"})),
        ("a member joining", change("organizations", "InviteAccountToOrganization", {"target": {}})),
        ("another schedule", change("scheduler", "DeleteSchedule", {"name": "nightly"})),
    ],
)
def test_unrelated_changes_do_not_match(what: str, event: dict[str, Any], spoke_stack: RecordedStack) -> None:
    """GIVEN a change that does not touch the monitor THEN the tamper rule ignores it."""
    assert not forwarding_pattern(spoke_stack, "us-east-1").matches_event(event), what


def published(stem: str, account: str, table: str) -> dict[str, Any]:
    """AWS's published DynamoDB record `stem`, made in `account` on `table`."""
    event = in_account(load_event(f"published/{stem}"), account)
    event["detail"]["requestParameters"]["tableName"] = table
    return event


def test_the_hub_s_own_table_writes_and_other_tables_are_not_tamper(hub_stack: RecordedStack) -> None:
    """GIVEN AWS's published DeleteTable and PutItem records WHEN made in the hub account THEN deleting the
    heartbeat table is routed as tamper, and neither an item written to it (a data event, as the notifier's
    own heartbeat writes are when a trail logs them) nor deleting another table is."""
    account, heartbeats = hub_stack.account_id, hub_name(hub_stack, TABLE, "heartbeats")
    rule = forwarding_pattern(hub_stack, HUB_REGION)
    delete, put = "non_root_awsdocs_assumed_role_delete_table", "non_root_awsdocs_assumed_role_put_item"
    for pattern in (rule, hub_route(hub_stack)):
        assert pattern.matches_event(published(delete, account, heartbeats))
        assert not pattern.matches_event(published(put, account, heartbeats))
        assert not pattern.matches_event(published(delete, account, "Music"))


def test_the_notifier_accepts_every_service_the_tamper_pattern_watches() -> None:
    """GIVEN the services whose calls the tamper rules forward THEN the notifier reads each one's records as
    tamper (CloudWatch's both spellings are one service)."""
    forwarded = {source.removeprefix("aws.") for source in TAMPER_SOURCES} - {"cloudwatch"}
    assert {source.removesuffix(".amazonaws.com") for source in WATCHED_SOURCES} == forwarded


def hub_route(hub_stack: RecordedStack) -> EventPattern:
    return EventPattern.load(hub_stack.named(RULE, f"{COMPONENT}-tamper-rule").inputs["eventPattern"])


def test_hub_bus_routes_tamper_events_to_the_buffer(hub_stack: RecordedStack) -> None:
    """GIVEN the hub bus THEN a second rule sends on, from CloudTrail only, what the hub's tamper rules
    forward."""
    rule = hub_stack.named(RULE, f"{COMPONENT}-tamper-rule")
    target = hub_stack.named(TARGET, f"{COMPONENT}-tamper-target")
    key_id = hub_stack.one(KEY).outputs["keyId"]
    assert json.loads(rule.inputs["eventPattern"]) == hub_routing_pattern(
        COMPONENT, bus_name="root-activity-monitor", key_id=key_id, account_id=hub_stack.account_id
    )
    assert rule.inputs["eventBusName"] == "root-activity-monitor"
    assert target.inputs["arn"] == hub_stack.named(QUEUE, f"{COMPONENT}-buffer").arn
    pattern = hub_route(hub_stack)
    assert pattern.matches_event(load_event("tamper_disable_rule"))
    assert not pattern.matches_event(load_event("root_stop_logging"))  # root: the notify rule's


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_the_hub_route_admits_every_change_a_monitor_rule_forwards(
    stack_name: str, hub_stack: RecordedStack, request: pytest.FixtureRequest
) -> None:
    """GIVEN each blinding change a spoke's or the hub's tamper rule forwards THEN the hub route admits it,
    and not the same record put with a custom source."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    for what, event in monitor_changes(stack, hub=stack_name == "hub_stack").items():
        assert hub_route(hub_stack).matches_event(event), what
        event["source"] = "custom.cloudtrail"
        assert not hub_route(hub_stack).matches_event(event), what


@pytest.mark.parametrize(
    ("what", "event"),
    [
        ("a key decrypted", change("kms", "Decrypt", {"encryptionContext": {"app": "orders"}})),
        ("a user deleted", change("iam", "DeleteUser", {"userName": "departed"})),
        ("a queue deleted", change("sqs", "DeleteQueue", {"queueUrl": "https://sqs.x/2/orders"})),
        ("another rule disabled", change("events", "DisableRule", {"name": "billing-alerts"})),
        ("a member's mapping", change("lambda", "DeleteEventSourceMapping20150331", {"uUID": "8c9d0e1f"})),
    ],
)
def test_a_member_s_own_forwarded_calls_reach_no_queue(
    what: str, event: dict[str, Any], hub_stack: RecordedStack
) -> None:
    """GIVEN ordinary calls of a member account, which its admin's own rule put on the hub bus THEN the hub's
    tamper route (and every other hub rule) leaves them out: the hub never trusts a spoke's filtering."""
    assert event["account"] != hub_stack.account_id
    for rule in hub_stack.of_type(RULE):
        if rule.inputs.get("eventBusName") == "root-activity-monitor":
            assert not EventPattern.load(rule.inputs["eventPattern"]).matches_event(event), (what, rule.name)


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
@pytest.mark.parametrize("call", ["DisableRule", "DeleteRule", "PutRule", "PutTargets", "RemoveTargets"])
def test_the_root_activity_rule_forwards_changes_to_the_tamper_rule(
    stack_name: str, call: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN a non-root change to a region's tamper rule (which the tamper rule, disabled or re-patterned by
    it, would not forward) THEN the region's root-activity rule forwards it; not a change to another rule."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    rule = stack.named(RULE, f"{COMPONENT}-forward-us-east-1-rule")
    pattern = EventPattern.load(rule.inputs["eventPattern"])
    tamper_rule = stack.named(RULE, f"{COMPONENT}-forward-us-east-1-tamper-rule").outputs["name"]
    field = "rule" if call.endswith("Targets") else "name"
    assert pattern.matches_event(change("events", call, {field: tamper_rule}))
    assert not pattern.matches_event(change("events", call, {field: "billing-alerts"}))
    assert not pattern.matches_event(change("events", "DescribeRule", {"name": tamper_rule}))


@pytest.mark.parametrize("prefix", ["root-activity-monitor-delivery-", "root-activity-monitor-heartbeat-"])
def test_roles_named_like_the_monitor_s_are_watched_whatever_the_component_name(prefix: str) -> None:
    """GIVEN a component named otherwise THEN granting a role named like a delivery or heartbeat role (which
    the hub bus or hub route would admit) still matches the tamper pattern."""
    pattern = EventPattern.load(pattern_text(tamper_pattern("security-monitor")))
    grant = change("iam", "PutRolePolicy", {"roleName": f"{prefix}mine", "policyName": "p"})
    assert pattern.matches_event(grant)


def test_the_longest_bus_name_still_fits_the_pattern_quota() -> None:
    """GIVEN a 55-character eventBusName (the most allowed) THEN the hub's tamper route fits the quota."""
    pattern = pattern_text(
        hub_routing_pattern(
            COMPONENT,
            bus_name="b" * 55,
            key_id="1234abcd-12ab-34cd-56ef-1234567890ab",
            account_id="111111111111",
        )
    )
    assert len(pattern) <= EVENT_PATTERN_LIMIT


def test_a_pattern_over_the_quota_is_refused_naming_the_cause() -> None:
    """GIVEN a component name so long the pattern exceeds the quota THEN the error says what to shorten."""
    with pytest.raises(
        ConfigError, match=r"over EventBridge's default quota of 2048: use a shorter component name"
    ):
        pattern_text(tamper_pattern("c" * 120, bus_name="b" * 55, key_id="k"))


ACME = "acme-root-watch"


@pytest.fixture(scope="session")
def acme_spoke(record_stack: RecordStack) -> RecordedStack:
    """A library user's SpokeForwarder named otherwise than the hub, in a member account."""
    return record_stack(
        {},
        program=lambda: SpokeForwarder(
            ACME, SpokeForwarderArgs(hub_event_bus_arn=HUB_BUS_ARN, regions=["us-east-1"])
        ),
        account_id=SPOKE_ACCOUNT,
    )


@pytest.mark.parametrize("kind", ["rule", "tamper-rule"])
@pytest.mark.parametrize("call", ["DisableRule", "DeleteRule", "RemoveTargets"])
def test_a_spoke_named_otherwise_than_the_hub_is_still_watched_at_the_hub(
    kind: str, call: str, acme_spoke: RecordedStack, hub_stack: RecordedStack
) -> None:
    """GIVEN a SpokeForwarder named `acme-root-watch` and the hub named `root-activity-monitor` WHEN an
    administrator silences one of the spoke's rules THEN one of the spoke's rules forwards it and the hub's
    tamper route sends it to the buffer, every pattern within EventBridge's quota."""
    rules = {r.name.removeprefix(f"{ACME}-forward-us-east-1-"): r for r in acme_spoke.of_type(RULE)}
    name = str(rules[kind].outputs["name"])
    assert name.startswith(MONITOR_NAME_PREFIX)
    field = "rule" if call == "RemoveTargets" else "name"
    event = in_account(change("events", call, {field: name}), SPOKE_ACCOUNT)
    assert any(EventPattern.load(r.inputs["eventPattern"]).matches_event(event) for r in rules.values())
    assert hub_route(hub_stack).matches_event(event)
    for rule in [*rules.values(), hub_stack.named(RULE, f"{COMPONENT}-tamper-rule")]:
        assert len(rule.inputs["eventPattern"]) <= EVENT_PATTERN_LIMIT


def test_a_hub_named_otherwise_still_routes_the_fixed_prefix() -> None:
    """GIVEN a hub named `corp-hub` THEN its tamper route admits a change to a covered region's rule, named
    with the fixed prefix whatever either component is called."""
    pattern = hub_routing_pattern("corp-hub", bus_name="corp-hub", key_id="k", account_id=HUB_ACCOUNT)
    event = change("events", "DisableRule", {"name": f"{MONITOR_NAME_PREFIX}root-activity-1a2b3c4"})
    assert EventPattern.load(pattern_text(pattern)).matches_event(event)
