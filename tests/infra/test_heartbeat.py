"""The heartbeat's graph: a schedule per forwarding region, its role, the rules carrying it, the watchdog."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_fixtures import (
    FUNCTION,
    HUB_ACCOUNT,
    HUB_BUS_ARN,
    REGIONS,
    ROLE,
    ROLE_POLICY,
    RULE,
    SPOKE_ACCOUNT,
    TARGET,
)
from moto.events.models import EventPattern
from root_activity_monitor import heartbeat
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_RULE_STATE
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.simulate.heartbeat_record import heartbeat_record
from root_activity_monitor.tamper import EVENT_PATTERN_LIMIT
from root_activity_monitor.validation import ConfigError

from tests.recording import RecordStack

SCHEDULE = "aws:scheduler/schedule:Schedule"
TABLE = "aws:dynamodb/table:Table"
HEARTBEAT_TABLE = "root-activity-monitor-heartbeats"
SPOKE_ROLE = "root-activity-monitor-forward-heartbeat-role"


def call_event(account: str, role_arn: str, **changes: Any) -> dict[str, Any]:
    """What CloudTrail puts on the default bus for a TestEventPattern call by `role_arn`."""
    record = heartbeat_record(account, "eu-west-1", role_arn, "2026-11-27T05:00:00Z", event_id="1")
    record["detail"].update(changes.pop("detail", {}))
    return record | changes


def statements(resource: Any, key: str = "policy") -> list[dict[str, Any]]:
    return resource.json_input(key)["Statement"]  # type: ignore[no-any-return]


def test_every_spoke_region_gets_an_hourly_schedule_calling_test_event_pattern(
    spoke_stack: RecordedStack,
) -> None:
    """GIVEN a spoke THEN each region has a schedule, hourly by default, whose universal target calls
    events:TestEventPattern as the heartbeat role with a request naming the account and region."""
    role = spoke_stack.named(ROLE, SPOKE_ROLE)
    schedules = {s.region: s for s in spoke_stack.of_type(SCHEDULE)}
    assert set(schedules) == set(REGIONS)
    for region, schedule in schedules.items():
        assert schedule.inputs["scheduleExpression"] == "rate(60 minutes)"
        assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
        target = schedule.inputs["target"]
        assert target["arn"] == "arn:aws:scheduler:::aws-sdk:eventbridge:testEventPattern"
        assert target["roleArn"] == role.arn
        request = json.loads(target["input"])
        event = json.loads(request["Event"])
        assert (event["account"], event["region"]) == (SPOKE_ACCOUNT, region)
        assert EventPattern.load(request["EventPattern"]).matches_event(event)  # type: ignore[arg-type]


def test_the_interval_comes_from_config(record_stack: RecordStack, spoke_config: dict[str, Any]) -> None:
    """GIVEN heartbeatIntervalMinutes 15 THEN every schedule runs every 15 minutes, and its request tells the
    hub so (the test event's detail, which CloudTrail records with the call)."""
    recorded = record_stack({**spoke_config, "heartbeatIntervalMinutes": 15}, account_id=SPOKE_ACCOUNT)
    assert {s.inputs["scheduleExpression"] for s in recorded.of_type(SCHEDULE)} == {"rate(15 minutes)"}
    for schedule in recorded.of_type(SCHEDULE):
        event = json.loads(json.loads(schedule.inputs["target"]["input"])["Event"])
        assert event["detail"] == {heartbeat.INTERVAL_FIELD: "900"}


def test_the_notifier_knows_the_interval_the_watchdog_judges_by(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the notifier has the watchdog's interval and silent intervals, to check each
    heartbeat's own interval against."""
    notifier = hub_stack.named(FUNCTION, "root-activity-monitor-notifier")
    watchdog = hub_stack.named(FUNCTION, "root-activity-monitor-watchdog")
    for name in ("HEARTBEAT_INTERVAL_MINUTES", "SILENT_INTERVALS"):
        value = notifier.inputs["environment"]["variables"][name]
        assert value == watchdog.inputs["environment"]["variables"][name]


@pytest.mark.parametrize(
    ("key", "value", "mode"),
    [
        ("heartbeatIntervalMinutes", -5, "spoke"),
        ("heartbeatIntervalMinutes", 2000, "hub"),
        ("heartbeatSilentIntervals", 1, "hub"),
    ],
)
def test_a_bad_heartbeat_setting_names_its_key(
    record_stack: RecordStack,
    hub_config: dict[str, Any],
    spoke_config: dict[str, Any],
    *,
    key: str,
    value: int,
    mode: str,
) -> None:
    """GIVEN an out-of-range heartbeat setting THEN the program fails naming the config key."""
    config = hub_config if mode == "hub" else spoke_config
    with pytest.raises(ConfigError, match=f"root-activity-monitor:{key} must be a whole number from"):
        record_stack({**config, key: value})


def test_the_heartbeat_role_is_trusted_by_scheduler_and_allowed_one_action(
    spoke_stack: RecordedStack,
) -> None:
    """GIVEN a spoke THEN the heartbeat role trusts only Scheduler for this account and may only call
    events:TestEventPattern in the covered regions."""
    role = spoke_stack.named(ROLE, SPOKE_ROLE)
    assert role.inputs["namePrefix"] == heartbeat.ROLE_NAME_PREFIX
    (trust,) = statements(role, "assumeRolePolicy")
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": SPOKE_ACCOUNT}}
    (allowed,) = statements(spoke_stack.named(ROLE_POLICY, f"{SPOKE_ROLE}-policy"))
    assert allowed["Action"] == "events:TestEventPattern"
    # TestEventPattern has no resource type, so no ARN can be named; the region condition narrows it.
    assert allowed["Resource"] == "*"
    assert allowed["Condition"] == {"StringEquals": {"aws:RequestedRegion": list(REGIONS)}}


def test_each_region_s_root_activity_rule_carries_its_role_s_heartbeats_and_nothing_else(
    spoke_stack: RecordedStack,
) -> None:
    """GIVEN a spoke THEN each region's root-activity rule, which sees read-only calls, matches root activity
    and this role's successful calls only, and targets the hub bus through the delivery role and the
    region's DLQ: a heartbeat travels exactly the path root activity takes."""
    role_arn = spoke_stack.named(ROLE, SPOKE_ROLE).arn or ""
    # Even another heartbeat role of the same account (a second stack) is not this rule's.
    other = f"arn:aws:iam::{SPOKE_ACCOUNT}:role/{heartbeat.ROLE_NAME_PREFIX}other99"
    root = call_event(SPOKE_ACCOUNT, role_arn, source="aws.iam", detail={"userIdentity": {"type": "Root"}})
    for region in REGIONS:
        rule = spoke_stack.named(RULE, f"root-activity-monitor-forward-{region}-rule")
        assert rule.inputs["state"] == ROOT_ACTIVITY_RULE_STATE
        pattern = EventPattern.load(rule.inputs["eventPattern"])
        assert pattern.matches_event(call_event(SPOKE_ACCOUNT, role_arn))  # type: ignore[arg-type]
        assert pattern.matches_event(root)  # type: ignore[arg-type]
        assert not pattern.matches_event(call_event(SPOKE_ACCOUNT, other))  # type: ignore[arg-type]
        refused = call_event(SPOKE_ACCOUNT, role_arn, detail={"errorCode": "AccessDenied"})
        assert not pattern.matches_event(refused)  # type: ignore[arg-type]
        forged = call_event(SPOKE_ACCOUNT, role_arn, source="my.forgery")
        assert not pattern.matches_event(forged)  # type: ignore[arg-type]
        target = spoke_stack.named(TARGET, f"root-activity-monitor-forward-{region}-target")
        assert target.inputs["arn"] == HUB_BUS_ARN
        assert target.inputs["roleArn"] == spoke_stack.named(ROLE, "root-activity-monitor-forward-role").arn
        dlq = spoke_stack.named("aws:sqs/queue:Queue", f"root-activity-monitor-forward-{region}-dlq")
        assert target.inputs["deadLetterConfig"]["arn"] == dlq.arn
    assert not [r for r in spoke_stack.of_type(RULE) if r.name.endswith("-heartbeat-rule")]


def test_the_root_or_heartbeat_pattern_fits_eventbridge_s_default_quota() -> None:
    """GIVEN the longest role ARN IAM allows (a 64-character name) THEN the root-activity rule's pattern is
    within EventBridge's default 2,048 characters."""
    longest = f"arn:aws-us-gov:iam::{SPOKE_ACCOUNT}:role/" + "x" * 64
    assert len(heartbeat.forwarding_pattern(longest)) <= EVENT_PATTERN_LIMIT


def test_the_hub_routes_heartbeats_from_any_account_into_the_buffer(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN a hub bus rule sends every account's heartbeat role calls to the buffer queue."""
    rule = hub_stack.named(RULE, "root-activity-monitor-heartbeat-rule")
    pattern = EventPattern.load(rule.inputs["eventPattern"])
    spoke_role = f"arn:aws:iam::{SPOKE_ACCOUNT}:role/{heartbeat.ROLE_NAME_PREFIX}abc1234"
    assert pattern.matches_event(call_event(SPOKE_ACCOUNT, spoke_role))  # type: ignore[arg-type]
    assert not pattern.matches_event(call_event(SPOKE_ACCOUNT, f"arn:aws:iam::{SPOKE_ACCOUNT}:role/admin"))  # type: ignore[arg-type]
    target = hub_stack.named(TARGET, "root-activity-monitor-heartbeat-target")
    assert target.inputs["arn"] == hub_stack.named("aws:sqs/queue:Queue", "root-activity-monitor-buffer").arn
    assert {s.region for s in hub_stack.of_type(SCHEDULE) if "forward" in s.name} == set(REGIONS)


def test_the_heartbeat_table_is_on_demand_encrypted_expiring_and_recoverable(
    hub_stack: RecordedStack,
) -> None:
    """GIVEN the hub THEN the table is keyed by account and region, on-demand, encrypted, TTL, PITR."""
    table = hub_stack.named(TABLE, HEARTBEAT_TABLE)
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert (table.inputs["hashKey"], table.inputs["rangeKey"]) == ("accountId", "region")
    assert table.inputs["ttl"] == {"attributeName": "expiresAt", "enabled": True}
    assert table.inputs["serverSideEncryption"] == {"enabled": True}
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True}


def test_the_notifier_may_only_update_items_and_read_assume_root_sessions(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the notifier knows the table, may dynamodb:UpdateItem on it and dynamodb:GetItem
    only the items whose hash key is an AssumeRoot session's, nothing more."""
    table = hub_stack.named(TABLE, HEARTBEAT_TABLE)
    notifier = hub_stack.named(FUNCTION, "root-activity-monitor-notifier")
    assert notifier.inputs["environment"]["variables"]["HEARTBEAT_TABLE"] == table.outputs["name"]
    policy = hub_stack.named(ROLE_POLICY, "root-activity-monitor-notifier-heartbeat-policy")
    assert statements(policy) == [
        {
            "Sid": "RecordHeartbeats",
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": table.arn,
        },
        {
            "Sid": "ReadAssumeRootSessions",
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": table.arn,
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["assume-root#*"]}},
        },
    ]


def test_the_watchdog_runs_every_interval_with_the_expected_pairs(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN a schedule invokes the watchdog each interval as a role allowed only that, with
    the hub and spoke accounts and the regions to expect."""
    function = hub_stack.named(FUNCTION, "root-activity-monitor-watchdog")
    assert function.inputs["handler"] == "handler.watchdog.watchdog_handler"
    variables = function.inputs["environment"]["variables"]
    assert (variables["HEARTBEAT_INTERVAL_MINUTES"], variables["SILENT_INTERVALS"]) == ("60", "3")
    schedule = hub_stack.named(SCHEDULE, "root-activity-monitor-watchdog-schedule")
    assert schedule.inputs["scheduleExpression"] == "rate(60 minutes)"
    target = schedule.inputs["target"]
    assert target["arn"] == function.arn
    plan = json.loads(target["input"])
    assert plan["expectedAccounts"] == sorted({HUB_ACCOUNT, SPOKE_ACCOUNT, "333333333333"})
    assert plan["expectedRegions"] == list(REGIONS)
    assert plan["scheduledTime"] == "<aws.scheduler.scheduled-time>"
    schedule_role = hub_stack.named(ROLE, "root-activity-monitor-watchdog-schedule-role")
    assert target["roleArn"] == schedule_role.arn
    (trust,) = statements(schedule_role, "assumeRolePolicy")
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": HUB_ACCOUNT}}
    (invoke,) = statements(
        hub_stack.named(ROLE_POLICY, "root-activity-monitor-watchdog-schedule-role-policy")
    )
    assert (invoke["Action"], invoke["Resource"]) == ("lambda:InvokeFunction", function.arn)


def test_the_watchdog_may_read_its_table_and_publish_nothing_else(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the watchdog's policy names the table, topic, key and log group, no wildcard ARN."""
    policy = statements(hub_stack.named(ROLE_POLICY, "root-activity-monitor-watchdog-policy"))
    granted = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy}
    table = hub_stack.named(TABLE, HEARTBEAT_TABLE).arn
    topic = hub_stack.named("aws:sns/topic:Topic", "root-activity-monitor-topic").arn
    key = hub_stack.one("aws:kms/key:Key").arn
    assert granted["ReadAndMarkHeartbeats"] == (["dynamodb:Scan", "dynamodb:UpdateItem"], table)
    assert granted["PublishNotifications"] == ("sns:Publish", topic)
    assert granted["UseTopicKey"] == (["kms:GenerateDataKey", "kms:Decrypt"], key)
    assert all("*" not in str(resource).replace(":*", "") for _, resource in granted.values())
