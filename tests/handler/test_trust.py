"""Alerts that cannot be forged: the envelope account beats the detail; odd records are reported."""

from __future__ import annotations

import json
from typing import Any

from load import load_event, sqs_batch

from handler.digest import fold
from handler.intake import Unparseable, read_batch
from handler.root_message import build_publish_request
from handler.root_render import subject
from handler.severity import Severity

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"


def sent_by(account: str, event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it when ``account`` put it (PutEvents sets the envelope account)."""
    return {**event, "account": account}


def test_event_claiming_another_account_is_critical_and_names_both_accounts() -> None:
    """GIVEN a root event whose detail names account 222… but which account 444… sent WHEN folded THEN it
    is a CRITICAL suspicious event of 444…, and the subject names both accounts."""
    forged = sent_by("444444444444", load_event("root_create_access_key"))
    [notification] = fold(read_batch(sqs_batch(forged)))
    assert notification.account_id == "444444444444"
    assert notification.severity is Severity.CRITICAL
    assert notification.entries[0].verdict.kind == "suspicious"
    line = subject(notification, "444444444444")
    assert "444444444444" in line
    assert "222222222222" in line
    assert "credential change" not in line


def test_document_shows_the_claimed_account_of_a_suspicious_event() -> None:
    """GIVEN a suspicious event WHEN published THEN its document entry carries claimedAccountId."""
    forged = sent_by("444444444444", load_event("root_stop_logging"))
    [notification] = fold(read_batch(sqs_batch(forged)))
    doc = json.loads(json.loads(build_publish_request(notification, TOPIC, "x").message)["default"])
    assert doc["account"]["id"] == "444444444444"
    assert doc["events"][0]["claimedAccountId"] == "222222222222"


def test_events_are_attributed_to_the_envelope_account() -> None:
    """GIVEN an event forwarded from account 333… whose detail agrees WHEN folded THEN it is 333…'s."""
    event = sent_by("333333333333", load_event("root_api_read_only", recipientAccountId="333333333333"))
    [notification] = fold(read_batch(sqs_batch(event)))
    assert (notification.account_id, notification.severity) == ("333333333333", Severity.MEDIUM)


def test_identity_type_as_a_list_is_reported_not_dropped() -> None:
    """GIVEN a record EventBridge matched because userIdentity.type is a list holding "Root" WHEN folded
    THEN it is an unparseable record of the sender's account, naming the field, in a HIGH notification."""
    event = load_event("root_create_access_key")
    event["detail"]["userIdentity"]["type"] = ["Root", "IAMUser"]
    intake = read_batch(sqs_batch(event))
    [record] = intake.unparseable
    assert isinstance(record, Unparseable)
    assert "userIdentity.type (list)" in record.reason
    [notification] = fold(intake)
    assert (notification.account_id, notification.severity) == ("222222222222", Severity.HIGH)


def test_session_context_of_the_wrong_type_is_reported() -> None:
    """GIVEN a record whose sessionContext is a string WHEN read THEN it is unparseable, naming the field."""
    event = load_event("root_assume_root_session")
    event["detail"]["userIdentity"]["sessionContext"] = "assumedRoot"
    [record] = read_batch(sqs_batch(event)).unparseable
    assert "userIdentity.sessionContext (str)" in record.reason


def test_forged_failed_sign_ins_stay_suspicious_and_are_not_folded_into_a_spray() -> None:
    """GIVEN two failed sign-ins sent by 444… claiming 222… and two genuine ones of 444… WHEN folded THEN the
    forged ones stay suspicious (CRITICAL, naming 222…); the genuine ones form the password-guessing one."""
    forged = [
        sent_by("444444444444", load_event("root_console_signin_failure", eventID=f"forged-{i}"))
        for i in range(2)
    ]
    genuine = [
        sent_by(
            "444444444444",
            load_event("root_console_signin_failure", eventID=f"real-{i}", recipientAccountId="444444444444"),
        )
        for i in range(2)
    ]
    notifications = fold(read_batch(sqs_batch(*forged, *genuine)))
    kinds = sorted(e.verdict.kind for n in notifications for e in n.entries)
    assert kinds == ["password-guessing", "password-guessing", "suspicious", "suspicious"]
