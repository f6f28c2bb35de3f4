"""Health alarms: the hub pipeline is watched, around the notifier; covered regions have none."""

from __future__ import annotations

from pathlib import Path

import pytest
from infra_fixtures import (
    ALARM,
    COMPONENT,
    FUNCTION,
    QUEUE,
    RULE,
    SUBSCRIPTION,
    TOPIC,
)
from root_activity_monitor.hub.alarms import BUFFER_AGE_THRESHOLD_SECONDS, rate_minutes
from root_activity_monitor.simulate import RecordedResource, RecordedStack


def alarms_on(stack: RecordedStack, metric: str, **dimensions: str) -> list[RecordedResource]:
    """The alarms on one metric with exactly these dimensions."""
    return [
        a
        for a in stack.of_type(ALARM)
        if a.inputs["metricName"] == metric and a.inputs["dimensions"] == dimensions
    ]


def where_it_publishes(stack: RecordedStack, alarm: RecordedResource) -> RecordedResource:
    """The one topic an alarm notifies, both when it fires and when it recovers."""
    (arn,) = alarm.inputs["alarmActions"]
    assert alarm.inputs["okActions"] == [arn]
    (topic,) = [t for t in stack.of_type(TOPIC) if t.arn == arn]
    return topic


def silence_alarms(stack: RecordedStack) -> list[RecordedResource]:
    return [a for a in stack.of_type(ALARM) if a.inputs["metricName"] == "Invocations"]


def test_every_failure_alarm_fires_on_one_five_minute_period_and_ignores_missing_data(
    hub_stack: RecordedStack,
) -> None:
    """GIVEN the hub THEN each failure alarm is > threshold over one 5-minute period, missing data OK."""
    silence = silence_alarms(hub_stack)
    assert hub_stack.of_type(ALARM)
    for alarm in hub_stack.of_type(ALARM):
        if alarm in silence:
            continue
        inputs = alarm.inputs
        assert inputs["comparisonOperator"] == "GreaterThanThreshold", alarm.name
        assert (inputs["period"], inputs["evaluationPeriods"]) == (300, 1), alarm.name
        assert inputs["treatMissingData"] == "notBreaching", alarm.name
        assert "docs/operations.md" in inputs["alarmDescription"], alarm.name


@pytest.mark.parametrize("dlq", ["buffer-dlq", "notify-dlq"])
def test_every_hub_dead_letter_queue_has_a_depth_alarm(hub_stack: RecordedStack, dlq: str) -> None:
    """GIVEN the hub THEN each dead-letter queue of its pipeline has one alarm on a visible message."""
    queue = hub_stack.named(QUEUE, f"{COMPONENT}-{dlq}")
    (alarm,) = alarms_on(hub_stack, "ApproximateNumberOfMessagesVisible", QueueName=queue.outputs["name"])
    assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
        "AWS/SQS",
        "Maximum",
        0,
    )


def test_every_hub_bus_rule_has_both_failure_alarms(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN each hub-bus rule's FailedInvocations and InvocationsFailedToBeSentToDlq are
    alarmed, by EventBusName and RuleName."""
    hub_bus_rules = [rule for rule in hub_stack.of_type(RULE) if "eventBusName" in rule.inputs]
    assert len(hub_bus_rules) == 3
    for rule in hub_bus_rules:
        dimensions = {"RuleName": rule.outputs["name"], "EventBusName": rule.inputs["eventBusName"]}
        for metric in ("FailedInvocations", "InvocationsFailedToBeSentToDlq"):
            (alarm,) = alarms_on(hub_stack, metric, **dimensions)
            assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
                "AWS/Events",
                "Sum",
                0,
            )


@pytest.mark.parametrize("function", ["notifier", "watchdog"])
def test_buffer_age_and_function_failures_are_alarmed(hub_stack: RecordedStack, function: str) -> None:
    """GIVEN the hub THEN the buffer's oldest message age, and the notifier's and the watchdog's
    Errors/Throttles, alarm."""
    buffer = hub_stack.named(QUEUE, f"{COMPONENT}-buffer")
    (age,) = alarms_on(hub_stack, "ApproximateAgeOfOldestMessage", QueueName=buffer.outputs["name"])
    assert (age.inputs["statistic"], age.inputs["threshold"]) == ("Maximum", BUFFER_AGE_THRESHOLD_SECONDS)
    lambda_function = hub_stack.named(FUNCTION, f"{COMPONENT}-{function}")
    for metric in ("Errors", "Throttles"):
        (alarm,) = alarms_on(hub_stack, metric, FunctionName=lambda_function.outputs["name"])
        assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
            "AWS/Lambda",
            "Sum",
            0,
        )


@pytest.mark.parametrize(
    ("function", "window_seconds", "section"),
    [
        ("notifier", 2 * 60 * 60, "Notifier not invoked"),
        ("watchdog", 2 * 60 * 60, "Watchdog not invoked"),
        ("posture", 2 * 24 * 60 * 60, "Posture audit not invoked"),
    ],
)
def test_a_function_never_invoked_for_two_of_its_periods_alarms(
    hub_stack: RecordedStack, function: str, window_seconds: int, section: str
) -> None:
    """GIVEN the hub (heartbeat every 60 minutes, posture audit every day) THEN the notifier and the watchdog
    alarm, on the topic, when not invoked once in 120 minutes, the posture audit in 2 days: fewer than 1
    invocation, and no data at all (a function never invoked emits none) counts as breaching."""
    lambda_function = hub_stack.named(FUNCTION, f"{COMPONENT}-{function}")
    (alarm,) = alarms_on(hub_stack, "Invocations", FunctionName=lambda_function.outputs["name"])
    inputs = alarm.inputs
    assert (inputs["namespace"], inputs["statistic"], inputs["threshold"]) == ("AWS/Lambda", "Sum", 1)
    assert inputs["comparisonOperator"] == "LessThanThreshold"
    assert (inputs["period"], inputs["evaluationPeriods"]) == (window_seconds, 1)
    assert inputs["treatMissingData"] == "breaching"
    assert where_it_publishes(hub_stack, alarm) is hub_stack.named(TOPIC, f"{COMPONENT}-topic")
    assert f"'{section}'" in inputs["alarmDescription"]


@pytest.mark.parametrize(
    ("expression", "every_minutes"),
    [("rate(1 day)", 1440), ("rate(6 hours)", 360), ("rate(1 minute)", 1), ("cron(0 3 * * ? *)", None)],
)
def test_a_schedule_s_period_is_read_from_its_rate(expression: str, every_minutes: int | None) -> None:
    """GIVEN a Scheduler expression THEN a rate gives its period in minutes and a cron none (the posture
    audit's silence alarm is left out for a cron: it has no fixed period)."""
    assert rate_minutes(expression) == every_minutes


def test_hub_region_alarms_publish_straight_to_the_notification_topic(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN every alarm is in the hub region (no region input) and notifies the topic (whose key
    CloudWatch may use: test_key_policy_admits_the_account_sns_cloudwatch_and_the_notifier_only)."""
    topic = hub_stack.named(TOPIC, f"{COMPONENT}-topic")
    alarms = hub_stack.of_type(ALARM)
    # 2 DLQs, age, errors and throttles of 3 functions (the notifier, the watchdog, the posture audit);
    # 2 metrics x 3 hub-bus rules; the notifier, the watchdog and the posture audit not invoked
    assert len(alarms) == 3 + 2 * 3 + 2 * 3 + 3
    for alarm in alarms:
        assert "region" not in alarm.inputs, alarm.name
        assert where_it_publishes(hub_stack, alarm) is topic, alarm.name


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_no_covered_account_and_region_has_an_alarm_or_a_topic(
    stack_name: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN a spoke, or the hub covering its own account in three regions THEN no region of a covered
    account has an alarm, a topic or a subscription: the heartbeat proves it instead."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    regional = [
        r
        for r in (*stack.of_type(ALARM), *stack.of_type(TOPIC), *stack.of_type(SUBSCRIPTION))
        if "region" in r.inputs or r.name.startswith(f"{COMPONENT}-forward-")
    ]
    assert regional == []


def test_every_alarm_points_at_the_health_runbook(hub_stack: RecordedStack) -> None:
    """GIVEN the hub's alarms THEN each description, which CloudWatch's alarm message carries, ends with the
    health runbook's path, a page that exists."""
    alarms = hub_stack.of_type(ALARM)
    assert alarms
    assert all(a.inputs["alarmDescription"].endswith("Runbook: docs/runbooks/health.md") for a in alarms)
    assert (Path(__file__).resolve().parents[2] / "docs" / "runbooks" / "health.md").exists()
