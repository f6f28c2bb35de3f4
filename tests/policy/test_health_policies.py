"""Alarm policies: an alarm made inside the hub component is checked.

The example stacks have no alarms yet, so each case adds one to the recorded hub graph, parented to the
HubNotifier like the component's other children.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from recorded_policy_args import violations
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import ALARM_ACTION_POLICY, MISSING_DATA_POLICY

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ALARM_NAME = "root-activity-monitor-notify-failed-alarm"


def with_alarm(stack: RecordedStack, **inputs: Any) -> RecordedStack:
    """The hub graph plus a HubNotifier alarm on the hub rule's FailedInvocations, with `inputs` set."""
    topic = stack.named("aws:sns/topic:Topic", "root-activity-monitor-topic")
    alarm_inputs = {
        "namespace": "AWS/Events",
        "metricName": "FailedInvocations",
        "statistic": "Sum",
        "period": 300.0,
        "evaluationPeriods": 1.0,
        "threshold": 0.0,
        "comparisonOperator": "GreaterThanThreshold",
        "treatMissingData": "notBreaching",
        "alarmActions": [topic.arn],
    }
    alarm_inputs.update(inputs)
    alarm_inputs = {key: value for key, value in alarm_inputs.items() if value is not None}
    urn = topic.urn.replace("aws:sns/topic:Topic", ALARM).rsplit("::", 1)[0] + f"::{ALARM_NAME}"
    alarm = dataclasses.replace(topic, type=ALARM, name=ALARM_NAME, urn=urn, inputs=alarm_inputs, outputs={})
    return dataclasses.replace(stack, resources=[*stack.resources, alarm])


def test_well_formed_alarm_passes(hub_stack: RecordedStack) -> None:
    """GIVEN an alarm with an action and notBreaching WHEN validated THEN neither policy reports."""
    stack = with_alarm(hub_stack)
    assert violations(ALARM_ACTION_POLICY, stack) + violations(MISSING_DATA_POLICY, stack) == []


@pytest.mark.parametrize("change", [{"alarmActions": None}, {"alarmActions": []}, {"actionsEnabled": False}])
def test_alarm_that_notifies_nobody_is_reported(hub_stack: RecordedStack, change: dict[str, Any]) -> None:
    """GIVEN an alarm with no action, or actions disabled, WHEN validated THEN it is reported with the fix."""
    ((name, message),) = violations(ALARM_ACTION_POLICY, with_alarm(hub_stack, **change))
    assert name == ALARM_NAME
    assert "Fix: set alarm_actions=" in message


@pytest.mark.parametrize("treat_missing_data", [None, "missing", "breaching"])
def test_failure_alarm_not_ignoring_silence_is_reported(
    hub_stack: RecordedStack, treat_missing_data: str | None
) -> None:
    """GIVEN a FailedInvocations alarm without notBreaching WHEN validated THEN it is reported, with fix."""
    stack = with_alarm(hub_stack, treatMissingData=treat_missing_data)
    ((name, message),) = violations(MISSING_DATA_POLICY, stack)
    assert name == ALARM_NAME
    assert "Fix: set treat_missing_data='notBreaching'" in message


def test_failure_metric_inside_a_metric_query_is_recognised(hub_stack: RecordedStack) -> None:
    """GIVEN a metric-math alarm over InvocationsFailedToBeSentToDlq with missing data as breaching
    WHEN validated THEN it is reported."""
    query = {
        "id": "m1",
        "metric": {"namespace": "AWS/Events", "metricName": "InvocationsFailedToBeSentToDlq"},
    }
    stack = with_alarm(
        hub_stack, namespace=None, metricName=None, metricQueries=[query], treatMissingData="breaching"
    )
    assert [name for name, _ in violations(MISSING_DATA_POLICY, stack)] == [ALARM_NAME]


def test_alarm_on_a_metric_with_steady_data_may_keep_the_default(hub_stack: RecordedStack) -> None:
    """GIVEN an alarm on the buffer queue's message age with default missing-data handling WHEN validated
    THEN nothing is reported: that metric always has data."""
    stack = with_alarm(
        hub_stack, namespace="AWS/SQS", metricName="ApproximateAgeOfOldestMessage", treatMissingData=None
    )
    assert violations(MISSING_DATA_POLICY, stack) == []
