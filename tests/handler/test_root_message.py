"""The SNS publish request: bodies per protocol, filter attributes, and the 256 KB limit."""

from __future__ import annotations

import json
from typing import Any

from load import load_event, sqs_batch

from handler.digest import fold
from handler.intake import read_batch
from handler.root_message import build_publish_request
from handler.root_notification import RootNotification
from handler.sns_request import SNS_MESSAGE_LIMIT, PublishRequest

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"
DOCUMENT_KEYS = {
    "schemaVersion", "severity", "title", "account", "session", "eventCount", "summary", "events",
    "truncated", "unparseable", "category", "runbook",
}  # fmt: skip
EVENT_KEYS = {
    "eventID",
    "eventName",
    "eventTime",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "severity",
    "reason",
}


def notification_of(*events: object) -> RootNotification:
    return fold(read_batch(sqs_batch(*events)))[0]


def bodies(request: PublishRequest) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(request.message)
    return parsed


def test_each_protocol_gets_its_body() -> None:
    """default (what sqs/lambda/email-json receive) is the JSON document; email the text; https Chatbot's."""
    # GIVEN a notification WHEN its request is built
    request = build_publish_request(notification_of(load_event("root_console_signin_no_mfa")), TOPIC, "prod")
    message = bodies(request)
    # THEN
    assert set(message) == {"default", "email", "https"}
    assert json.loads(message["default"])["schemaVersion"] == "1.0"
    assert message["email"].startswith("ROOT USER ACTIVITY - CRITICAL\n")
    assert json.loads(message["https"])["source"] == "custom"
    assert request.subject == "[CRITICAL] Root console sign-in without MFA - prod (222222222222)"


def test_document_has_the_contract_fields() -> None:
    """The JSON document carries exactly the documented field names, with schemaVersion 1.0."""
    # GIVEN a notification WHEN its document is built
    doc = json.loads(
        bodies(build_publish_request(notification_of(load_event("root_api_error")), TOPIC, "prod"))["default"]
    )
    # THEN
    assert set(doc) == DOCUMENT_KEYS
    assert (doc["schemaVersion"], doc["severity"], doc["eventCount"], doc["truncated"]) == (
        "1.0",
        "HIGH",
        1,
        False,
    )
    assert doc["account"] == {"id": "222222222222", "name": "prod"}
    assert doc["unparseable"] == []
    [event] = doc["events"]
    assert set(event) >= EVENT_KEYS
    assert (event["errorCode"], event["errorMessage"]) == ("AccessDenied", "Access Denied")


def test_attributes_name_severity_account_and_top_event() -> None:
    """Filter-policy attributes carry the severity, the account and the most severe event's name."""
    # GIVEN a session with a read-only call and a StopLogging WHEN built
    notification = notification_of(load_event("root_api_read_only"), load_event("root_stop_logging"))
    request = build_publish_request(notification, TOPIC, "prod")
    # THEN
    assert request.attributes == {
        "category": "root-activity",
        "severity": "CRITICAL",
        "accountId": "222222222222",
        "eventName": "StopLogging",
    }


def test_unparseable_notification_has_attributes_and_raw_bodies() -> None:
    """Unreadable records are published with message ID and raw body, and eventName UnparseableRecord."""
    # GIVEN an unreadable record WHEN built
    batch = sqs_batch("{oops")
    request = build_publish_request(fold(read_batch(batch))[0], TOPIC, "unknown")
    doc = json.loads(bodies(request)["default"])
    # THEN
    assert request.attributes == {
        "category": "root-activity",
        "severity": "HIGH",
        "accountId": "unknown",
        "eventName": "UnparseableRecord",
    }
    assert doc["unparseable"] == [
        {"messageId": batch["Records"][0]["messageId"], "reason": "body is not JSON", "rawBody": "{oops"}
    ]


def test_huge_field_is_cut_to_fit_and_flagged() -> None:
    """A 1 MB user agent is clipped so the whole request fits SNS's limit, with truncated true."""
    # GIVEN an event with a 1 MB user agent WHEN built
    request = build_publish_request(
        notification_of(load_event("root_api_read_only", userAgent="A" * 1_000_000)), TOPIC, "prod"
    )
    doc = json.loads(bodies(request)["default"])
    # THEN it fits and says so
    assert request.size <= SNS_MESSAGE_LIMIT
    assert doc["truncated"] is True
    assert request.truncated
    assert doc["events"][0]["userAgent"].endswith("...[truncated]")


def test_a_huge_field_of_one_event_is_cut_and_that_event_still_listed() -> None:
    """Two forged events, one claiming a 100,000-character account ID (its reason quotes it too): the long
    values are clipped and both events are listed, not the second dropped to make room."""
    # GIVEN two root events whose recipientAccountId is not the sending account, one of them huge
    events = [
        load_event("root_api_error", eventID="forged-1", recipientAccountId="333333333333"),
        load_event("root_api_error", eventID="forged-2", recipientAccountId="3" * 100_000),
    ]
    # WHEN built
    request = build_publish_request(notification_of(*events), TOPIC, "prod")
    doc = json.loads(bodies(request)["default"])
    # THEN it fits, says it was cut, and lists both events with the long values clipped
    assert request.size <= SNS_MESSAGE_LIMIT
    assert doc["truncated"] is True
    listed = {e["eventID"]: e for e in doc["events"]}
    assert set(listed) == {"forged-1", "forged-2"}
    assert listed["forged-1"]["claimedAccountId"] == "333333333333"
    assert listed["forged-2"]["claimedAccountId"].endswith("...[truncated]")
    assert listed["forged-2"]["reason"].endswith("...[truncated]")


def test_long_session_keeps_the_most_severe_events_when_cut() -> None:
    """3,000 read-only calls and one credential change fit; the change is listed, the count stays true."""
    # GIVEN 3,000 read-only calls then a CreateAccessKey
    events = [load_event("root_api_read_only", eventID=f"e-{i:05d}") for i in range(3000)]
    events.append(load_event("root_create_access_key"))
    # WHEN built
    request = build_publish_request(notification_of(*events), TOPIC, "prod")
    doc = json.loads(bodies(request)["default"])
    # THEN it fits, is flagged, keeps the CRITICAL event and counts every event
    assert request.size <= SNS_MESSAGE_LIMIT
    assert doc["truncated"] is True
    assert doc["eventCount"] == 3001
    assert 0 < len(doc["events"]) < 3001
    assert "CreateAccessKey" in [e["eventName"] for e in doc["events"]]
    assert {"name": "DescribeInstances", "count": 3000} in doc["summary"]["eventNames"]


def test_small_notification_is_not_flagged_truncated() -> None:
    """Nothing is cut when it fits."""
    # GIVEN a small notification WHEN built THEN not truncated
    request = build_publish_request(notification_of(load_event("root_api_read_only")), TOPIC, "prod")
    assert json.loads(bodies(request)["default"])["truncated"] is False


def test_lone_surrogates_do_not_break_encoding() -> None:
    """JSON can carry a lone surrogate; the request still encodes as UTF-8."""
    # GIVEN a body with a lone surrogate in the user agent and event name
    body = (
        json.dumps(load_event("root_api_read_only"))
        .replace("AWS Internal", "\\ud800")
        .replace('"DescribeInstances"', '"Describe\\udfff"')
    )
    # WHEN built
    request = build_publish_request(fold(read_batch(sqs_batch(body)))[0], TOPIC, "prod")
    # THEN everything encodes
    request.message.encode()
    request.subject.encode()
    for value in request.attributes.values():
        value.encode()
