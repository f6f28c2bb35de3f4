"""Tamper alerts: a non-root change to the monitor becomes a `category: "tamper"` notification."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from load import load_event, sqs_batch, sqs_record

from handler import app
from handler.cut import CLIP_MARKER
from handler.intake import read_record
from handler.sns_request import SNS_MESSAGE_LIMIT
from handler.tamper import TamperEvent, fold_tamper
from handler.tamper_message import build_tamper_request

if TYPE_CHECKING:
    from conftest import SnsToSqs

RULE = "root-activity-monitor-forward-eu-west-1-rule-1a2b3c4"
ACTOR = "arn:aws:sts::222222222222:assumed-role/Admin/alice"
ROLE = "arn:aws:iam::222222222222:role/Admin"


def read_tamper(record: dict[str, Any]) -> TamperEvent | None:
    """The record's tamper event, or None when intake reads it as anything else."""
    outcome = read_record(record)
    return outcome if isinstance(outcome, TamperEvent) else None


def bodies(event: dict[str, Any], deployers: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The per-protocol bodies of the request one tamper event becomes."""
    tamper = read_tamper(sqs_record(event))
    assert tamper is not None
    (notification,) = fold_tamper([tamper], deployers)
    request = build_tamper_request(notification, "arn:aws:sns:us-east-1:111111111111:t", "prod")
    return {"subject": request.subject, "attributes": request.attributes, **json.loads(request.message)}


def test_disabled_rule_reaches_subscribers_as_a_critical_tamper_notification(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a role disabling a forwarding rule WHEN handled THEN subscribers get a CRITICAL tamper alert."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({"222222222222": "prod"}))
    result = app.lambda_handler(sqs_batch(load_event("tamper_disable_rule")), None)
    assert result == {"batchItemFailures": []}
    (received,) = sns_to_sqs.received()
    assert received["MessageAttributes"]["category"] == {"Type": "String", "Value": "tamper"}
    assert received["MessageAttributes"]["severity"] == {"Type": "String", "Value": "CRITICAL"}
    doc = received["Message"]
    assert (doc["category"], doc["severity"], doc["eventCount"], doc["truncated"]) == (
        "tamper",
        "CRITICAL",
        1,
        False,
    )
    assert doc["account"] == {"id": "222222222222", "name": "prod"}
    (event,) = doc["events"]
    assert (event["eventName"], event["resource"], event["actor"]) == ("DisableRule", RULE, ACTOR)
    assert event["sessionIssuer"] == ROLE
    assert {"eventID", "eventTime", "awsRegion", "sourceIPAddress", "userAgent", "severity", "reason"} <= set(
        event
    )


def test_email_names_who_did_what_to_which_resource() -> None:
    """GIVEN a DisableRule record THEN the email says who disabled which rule, and what to do."""
    text = bodies(load_event("tamper_disable_rule"))["email"]
    assert text.startswith("MONITOR TAMPERING - CRITICAL\nMonitor switched off: DisableRule on " + RULE)
    assert f"Who: {ACTOR}" in text
    assert f"resource: {RULE}" in text
    assert "What to do next:" in text and "redeploy the monitor" in text


def test_subject_and_chatbot_card_say_tamper() -> None:
    """GIVEN a DisableRule record THEN the subject and the AWS Chatbot card are marked as tamper."""
    out = bodies(load_event("tamper_disable_rule"))
    assert out["subject"].startswith("[CRITICAL] Tamper: Monitor switched off: DisableRule")
    assert out["subject"].endswith(" - prod (222222222222)") and len(out["subject"]) <= 100
    card = json.loads(out["https"])
    assert (card["version"], card["source"]) == ("1.0", "custom")
    assert card["content"]["title"].startswith("[CRITICAL] Tamper: ")
    assert "tamper" in card["content"]["keywords"]
    assert "`arn:aws:sts::222222222222:assumed-role/Admin/alice`" in card["content"]["description"]


def test_a_change_by_the_configured_deployer_is_reported_at_low() -> None:
    """GIVEN the caller's role configured as the deployer THEN the change is still reported, at LOW."""
    out = bodies(load_event("tamper_disable_rule"), deployers=frozenset({ROLE}))
    doc = json.loads(out["default"])
    assert doc["severity"] == "LOW" and doc["events"][0]["byDeployer"] is True
    assert "deployer" in out["email"]


def test_a_refused_attempt_is_medium() -> None:
    """GIVEN a DisableRule that failed with AccessDenied THEN it is reported as an attempt, MEDIUM."""
    event = load_event("tamper_disable_rule", errorCode="AccessDenied", errorMessage="not authorized")
    doc = json.loads(bodies(event)["default"])
    assert doc["severity"] == "MEDIUM"
    assert doc["events"][0]["errorCode"] == "AccessDenied"
    assert doc["title"].startswith("Attempt to change the monitor")


def test_a_trail_stopped_by_a_user_is_critical() -> None:
    """GIVEN StopLogging by an IAM user THEN it is a CRITICAL tamper alert naming the trail."""
    event = load_event("root_stop_logging")
    event["detail"]["userIdentity"] = load_event("non_root_iam_user")["detail"]["userIdentity"]
    doc = json.loads(bodies(event)["default"])
    assert (doc["severity"], doc["events"][0]["eventName"]) == ("CRITICAL", "StopLogging")
    assert doc["actor"] == "arn:aws:iam::222222222222:user/deploy"


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"eventName": "DescribeRule"}, "a read"),
        ({"eventSource": "ec2.amazonaws.com", "eventName": "StopInstances"}, "an unwatched service"),
        ({"userIdentity": {"type": "Root", "arn": "arn:aws:iam::222222222222:root"}}, "root (its own rule)"),
        ({"eventSource": ["events.amazonaws.com"]}, "a malformed eventSource"),
    ],
)
def test_records_that_are_not_tamper_are_left_alone(overrides: dict[str, Any], why: str) -> None:
    """GIVEN a read, another service or root THEN the tamper reader does not take the record."""
    assert read_tamper(sqs_record(load_event("tamper_disable_rule", **overrides))) is None, why


def test_a_failed_publish_hands_the_records_back(sns_to_sqs: SnsToSqs) -> None:
    """GIVEN SNS refusing the publish THEN the tamper record's message ID is returned for retry."""
    batch = sqs_batch(load_event("tamper_disable_rule"))

    def refuse(_request: object) -> None:
        raise RuntimeError("throttled")

    result = app.handle_batch(batch, sns_to_sqs.topic_arn, publish=refuse)
    assert result == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}


def test_one_actor_s_many_changes_fold_into_one_notification_that_fits() -> None:
    """GIVEN 3,000 changes by one actor THEN they fold into one notification under SNS's limit."""
    events = []
    for index in range(3000):
        event = load_event("tamper_disable_rule", eventID=f"id-{index}", userAgent="x" * 2000)
        tamper = read_tamper(sqs_record(event))
        assert tamper is not None
        events.append(tamper)
    (notification,) = fold_tamper(events, frozenset())
    request = build_tamper_request(notification, "arn:aws:sns:us-east-1:111111111111:t", "prod")
    assert request.size <= SNS_MESSAGE_LIMIT
    doc = json.loads(json.loads(request.message)["default"])
    assert doc["eventCount"] == 3000 and doc["truncated"] is True


def test_lambda_handler_reads_the_deployers_from_its_environment(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN DEPLOYER_PRINCIPAL_ARNS naming the caller's role THEN the published alert is LOW."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("DEPLOYER_PRINCIPAL_ARNS", json.dumps([ROLE]))
    app.lambda_handler(sqs_batch(load_event("tamper_disable_rule")), None)
    (received,) = sns_to_sqs.received()
    assert received["MessageAttributes"]["severity"] == {"Type": "String", "Value": "LOW"}


def test_silencing_a_health_alarm_is_critical() -> None:
    """GIVEN DisableAlarmActions on a monitor alarm THEN it is a CRITICAL tamper alert naming the alarm."""
    alarm = "root-activity-monitor-forward-eu-west-1-dlq-alarm-5e6f7a8"
    event = load_event(
        "tamper_disable_rule",
        eventSource="monitoring.amazonaws.com",
        eventName="DisableAlarmActions",
        requestParameters={"alarmNames": [alarm]},
    )
    doc = json.loads(bodies(event)["default"])
    assert (doc["severity"], doc["events"][0]["resource"]) == ("CRITICAL", alarm)


@pytest.mark.parametrize(
    ("field", "length", "cut"),
    [("eventID", 4097, True), ("eventID", 4096, False), ("userAgent", 4097, True)],
    ids=["event ID one over", "event ID that fits", "user agent one over"],
)
def test_a_tamper_field_cut_to_fit_says_truncated_and_carries_the_shared_marker(
    field: str, length: int, cut: bool
) -> None:
    """GIVEN a tamper record with one field of `length` characters WHEN rendered THEN a field over 4,096
    characters is cut with the marker every notification uses (so a reader can match it to the record) and
    the document says `truncated: true`; a field that fits is shown whole and `truncated` stays false."""
    value = "A" * length
    got = bodies(load_event("tamper_disable_rule", **{field: value}))
    doc = json.loads(got["default"])
    (event,) = doc["events"]
    assert doc["truncated"] is cut
    if cut:
        assert event[field].endswith(CLIP_MARKER) and len(event[field]) == 4096
        assert value.startswith(event[field][: -len(CLIP_MARKER)])
        assert event[field] in got["email"]
    else:
        assert event[field] == value
