"""Reading SQS records: root events, unparseable records and ignored non-root events."""

from __future__ import annotations

import json

import pytest
from load import event_names, load_event, sqs_batch, sqs_record

from handler.intake import Ignored, RootEvent, Unparseable, read_batch, read_record


def test_every_recorded_root_event_is_read_as_a_root_event() -> None:
    """All root fixtures, under both sign-in detail-type spellings, are read as root events."""
    # GIVEN every root fixture
    names = [n for n in event_names() if n.startswith("root_")]
    # WHEN read
    outcomes = [read_record(sqs_record(load_event(n))) for n in names]
    # THEN each is a root event
    assert all(isinstance(o, RootEvent) for o in outcomes), outcomes


def test_sign_in_fields_are_read() -> None:
    """MFA, the sign-in result and the error message come from where CloudTrail puts them."""
    # GIVEN a failed sign-in WHEN read
    event = read_record(sqs_record(load_event("root_console_signin_failure")))
    # THEN its sign-in fields are filled in
    assert isinstance(event, RootEvent)
    assert (event.mfa_used, event.console_login, event.error_message) == (
        "No",
        "Failure",
        "Failed authentication",
    )
    assert event.session == "203.0.113.10"


def test_assume_root_session_is_recognised() -> None:
    """sessionContext.assumedRoot "true" marks a centralized root access session."""
    # GIVEN an AssumeRoot session's call WHEN read THEN it is flagged and keyed by its access key
    event = read_record(sqs_record(load_event("root_assume_root_session")))
    assert isinstance(event, RootEvent)
    assert event.assumed_root
    assert event.session == "ASIAY34FZKBOASSUMEDR"


def test_non_root_event_is_ignored() -> None:
    """An IAM user's event that slipped through the rule is ignored, not notified."""
    # GIVEN an IAM user's event WHEN read THEN it is ignored with its identity type
    outcome = read_record(sqs_record(load_event("non_root_iam_user"), "m-1"))
    assert outcome == Ignored("m-1", "2f8a1c7e-3b5d-4e2f-9a61-7c0d8e9f1a13", "StopInstances", "IAMUser")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "body is not JSON"),
        ("[1, 2]", "not an EventBridge event"),
        (json.dumps({"source": "aws.ec2"}), "not an EventBridge event"),
        (
            json.dumps({"detail-type": "EC2 Instance State-change Notification", "detail": {}}),
            "not a CloudTrail",
        ),
        (
            json.dumps({"detail-type": "AWS API Call via CloudTrail", "detail": {"eventName": 3}}),
            "not a CloudTrail",
        ),
    ],
)
def test_unreadable_bodies_are_kept_with_their_reason(body: str, reason: str) -> None:
    """Bodies that are not JSON, not EventBridge or not CloudTrail become unparseable, raw body kept."""
    # GIVEN a bad body WHEN read
    outcome = read_record(sqs_record(body, "m-2"))
    # THEN it is unparseable with its message ID, reason and raw body
    assert isinstance(outcome, Unparseable)
    assert (outcome.message_id, outcome.raw_body) == ("m-2", body)
    assert reason in outcome.reason


def test_malformed_sqs_records_are_unparseable_not_errors() -> None:
    """A record without a text body is reported, and an event without Records is an empty batch."""
    # GIVEN records that are not SQS records WHEN read
    intake = read_batch({"Records": [{"messageId": "m-3", "body": {"a": 1}}, "junk", None]})
    # THEN each is unparseable
    assert [u.message_id for u in intake.unparseable] == ["m-3", "", ""]
    assert read_batch({"no": "records"}).unparseable == []


def test_wrongly_typed_fields_make_the_record_unparseable_naming_them() -> None:
    """A matched record with fields of the wrong JSON type is reported as unparseable, naming each field."""
    # GIVEN a root event whose userAgent is a list and sourceIPAddress a number
    event = read_record(sqs_record(load_event("root_api_read_only", userAgent=["a", 1], sourceIPAddress=7)))
    # WHEN read THEN it is unparseable, attributed to the envelope's account, and says why
    assert isinstance(event, Unparseable)
    assert event.account_hint == "222222222222"
    assert "detail.sourceIPAddress (int)" in event.reason
    assert "detail.userAgent (list)" in event.reason


def test_batch_accounts_for_every_record() -> None:
    """Each record of a batch lands in exactly one list."""
    # GIVEN a mixed batch
    batch = sqs_batch(load_event("root_api_read_only"), load_event("non_root_iam_user"), "nope")
    # WHEN read THEN one of each
    intake = read_batch(batch)
    assert (len(intake.events), len(intake.ignored), len(intake.unparseable)) == (1, 1, 1)
