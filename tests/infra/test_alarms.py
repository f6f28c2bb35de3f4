"""Health alarms: every DLQ, rule, the buffer and the notifier are watched; alarms bypass the notifier."""

from __future__ import annotations

import pytest
from infra_fixtures import (
    ALARM,
    COMPONENT,
    FUNCTION,
    QUEUE,
    REGIONS,
    RULE,
    SUBSCRIPTION,
    TOPIC,
)
from root_activity_monitor.alarms import BUFFER_AGE_THRESHOLD_SECONDS
from root_activity_monitor.simulate import RecordedResource, RecordedStack


def alarms_on(stack: RecordedStack, metric: str, **dimensions: str) -> list[RecordedResource]:
    """The alarms on one metric with exactly these dimensions."""
    return [
        a
        for a in stack.of_type(ALARM)
        if a.inputs["metricName"] == metric and a.inputs["dimensions"] == dimensions
    ]


def health_topic(stack: RecordedStack, region: str) -> RecordedResource:
    return stack.named(TOPIC, f"{COMPONENT}-forward-{region}-health")


def where_it_publishes(stack: RecordedStack, alarm: RecordedResource) -> RecordedResource:
    """The one topic an alarm notifies, both when it fires and when it recovers."""
    (arn,) = alarm.inputs["alarmActions"]
    assert alarm.inputs["okActions"] == [arn]
    (topic,) = [t for t in stack.of_type(TOPIC) if t.arn == arn]
    return topic


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_every_alarm_fires_on_one_five_minute_period_and_ignores_missing_data(
    stack_name: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN either stack THEN each alarm is > threshold over one 5-minute period, missing data OK."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    assert stack.of_type(ALARM)
    for alarm in stack.of_type(ALARM):
        inputs = alarm.inputs
        assert inputs["comparisonOperator"] == "GreaterThanThreshold", alarm.name
        assert (inputs["period"], inputs["evaluationPeriods"]) == (300, 1), alarm.name
        assert inputs["treatMissingData"] == "notBreaching", alarm.name
        assert "docs/operations.md" in inputs["alarmDescription"], alarm.name


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_every_dead_letter_queue_has_a_depth_alarm(stack_name: str, request: pytest.FixtureRequest) -> None:
    """GIVEN either stack THEN each DLQ it creates has one alarm on a visible message (max > 0)."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    dlqs = [q for q in stack.of_type(QUEUE) if q.name.endswith("-dlq")]
    assert dlqs
    for dlq in dlqs:
        (alarm,) = alarms_on(stack, "ApproximateNumberOfMessagesVisible", QueueName=dlq.outputs["name"])
        assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
            "AWS/SQS",
            "Maximum",
            0,
        )
        assert alarm.inputs.get("region") == dlq.inputs.get("region"), dlq.name


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
def test_every_rule_has_both_failure_alarms_with_its_bus_dimensions(
    stack_name: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN either stack THEN each rule's FailedInvocations and InvocationsFailedToBeSentToDlq are alarmed;
    a hub-bus rule is named by EventBusName and RuleName, a default-bus rule by RuleName alone."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    for rule in stack.of_type(RULE):
        dimensions = {"RuleName": rule.outputs["name"]}
        if "eventBusName" in rule.inputs:
            dimensions["EventBusName"] = rule.inputs["eventBusName"]
        for metric in ("FailedInvocations", "InvocationsFailedToBeSentToDlq"):
            (alarm,) = alarms_on(stack, metric, **dimensions)
            assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
                "AWS/Events",
                "Sum",
                0,
            )
            assert alarm.inputs.get("region") == rule.inputs.get("region"), rule.name


def test_buffer_age_and_notifier_failures_are_alarmed(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the buffer's oldest message age and the notifier's Errors/Throttles alarm."""
    buffer = hub_stack.named(QUEUE, f"{COMPONENT}-buffer")
    (age,) = alarms_on(hub_stack, "ApproximateAgeOfOldestMessage", QueueName=buffer.outputs["name"])
    assert (age.inputs["statistic"], age.inputs["threshold"]) == ("Maximum", BUFFER_AGE_THRESHOLD_SECONDS)
    function = hub_stack.named(FUNCTION, f"{COMPONENT}-notifier")
    for metric in ("Errors", "Throttles"):
        (alarm,) = alarms_on(hub_stack, metric, FunctionName=function.outputs["name"])
        assert (alarm.inputs["namespace"], alarm.inputs["statistic"], alarm.inputs["threshold"]) == (
            "AWS/Lambda",
            "Sum",
            0,
        )


def test_watchdog_failures_reach_the_notification_topic(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the watchdog's Errors and Throttles each have an alarm publishing to the
    notification topic, so a watchdog that stopped working is itself reported."""
    function = hub_stack.named(FUNCTION, f"{COMPONENT}-watchdog")
    topic = hub_stack.named(TOPIC, f"{COMPONENT}-topic")
    for metric in ("Errors", "Throttles"):
        (alarm,) = alarms_on(hub_stack, metric, FunctionName=function.outputs["name"])
        assert (alarm.inputs["namespace"], alarm.inputs["threshold"]) == ("AWS/Lambda", 0)
        assert where_it_publishes(hub_stack, alarm) == topic


def test_hub_region_alarms_publish_straight_to_the_notification_topic(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN alarms in the hub region (no region input) notify the encrypted topic."""
    topic = hub_stack.named(TOPIC, f"{COMPONENT}-topic")
    hub_alarms = [a for a in hub_stack.of_type(ALARM) if "region" not in a.inputs]
    # 2 DLQs, age, the notifier's and the watchdog's errors and throttles; 2 metrics x 3 hub-bus rules
    assert len(hub_alarms) == 7 + 2 * 3
    for alarm in hub_alarms:
        assert where_it_publishes(hub_stack, alarm) is topic, alarm.name


@pytest.mark.parametrize("stack_name", ["hub_stack", "spoke_stack"])
@pytest.mark.parametrize("region", REGIONS)
def test_forwarding_alarms_publish_to_their_own_region_s_health_topic(
    stack_name: str, region: str, request: pytest.FixtureRequest
) -> None:
    """GIVEN a forwarding region THEN its 5 alarms notify the health topic in that same region."""
    stack: RecordedStack = request.getfixturevalue(stack_name)
    topic = health_topic(stack, region)
    assert topic.inputs["region"] == region
    assert "kmsMasterKeyId" not in topic.inputs  # CloudWatch cannot publish under aws/sns
    regional = [a for a in stack.of_type(ALARM) if a.inputs.get("region") == region]
    assert len(regional) == 1 + 2 * 3  # the DLQ; 2 metrics x 3 rules (root activity, tamper, heartbeat)
    for alarm in regional:
        assert where_it_publishes(stack, alarm) is topic, alarm.name


def test_hub_health_topics_email_the_notification_addresses(hub_stack: RecordedStack) -> None:
    """GIVEN notification e-mails THEN each hub health topic has an email subscription per address."""
    for region in REGIONS:
        topic = health_topic(hub_stack, region)
        subscriptions = [s for s in hub_stack.of_type(SUBSCRIPTION) if s.inputs["topic"] == topic.arn]
        assert sorted(s.inputs["endpoint"] for s in subscriptions) == [
            "oncall@example.com",
            "security@example.com",
        ]
        assert {s.inputs["region"] for s in subscriptions} == {region}


def test_spoke_health_topics_are_exported_for_subscriptions(spoke_stack: RecordedStack) -> None:
    """GIVEN a spoke THEN it exports a health topic per region and subscribes nobody itself."""
    assert spoke_stack.exports["healthTopicArns"] == {r: health_topic(spoke_stack, r).arn for r in REGIONS}
    assert spoke_stack.of_type(SUBSCRIPTION) == []
