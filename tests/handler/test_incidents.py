"""One notification per incident, never an empty one, and duplicates folded on (account, eventID)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from load import load_event, sqs_batch

from handler import app
from handler.digest import UNKNOWN_ACCOUNT, fold
from handler.intake import read_batch

if TYPE_CHECKING:
    from conftest import SnsToSqs


def spray(attempts: int) -> dict[str, object]:
    """``attempts`` failed root sign-ins to one account, each from its own address."""
    return sqs_batch(
        *(
            load_event(
                "root_console_signin_failure",
                eventID=f"spray-{i}",
                sourceIPAddress=f"198.18.{i // 256}.{i % 256}",
                eventTime=f"2024-05-14T10:{i // 60 % 60:02d}:{i % 60:02d}Z",
            )
            for i in range(attempts)
        )
    )


def test_password_spray_from_a_thousand_addresses_is_one_notification(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN 1,000 failed root sign-ins from 1,000 IPs to one account WHEN handled THEN a subscriber gets one
    CRITICAL notification whose title counts 1,000 sign-ins from 1,000 addresses and holds all of them."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    assert app.lambda_handler(spray(1000), None) == {"batchItemFailures": []}
    [message] = sns_to_sqs.received()
    doc = message["Message"]
    assert doc["title"] == "Possible password guessing: 1,000 failed root sign-ins from 1,000 addresses"
    assert (doc["severity"], doc["eventCount"]) == ("CRITICAL", 1000)
    assert message["Subject"].startswith("[CRITICAL] Possible password guessing: 1,000 failed root sign-ins")


def test_same_event_in_two_sessions_gives_no_empty_notification() -> None:
    """GIVEN one eventID delivered twice, the copy with another access key WHEN folded THEN one notification
    holds the event and both message IDs; none is empty."""
    first = load_event("root_api_read_only")
    copy = load_event("root_api_read_only")
    copy["detail"]["userIdentity"]["accessKeyId"] = "ASIAOTHERSESSION0001"
    batch = sqs_batch(first, copy)
    notifications = fold(read_batch(batch))
    assert [n.event_count for n in notifications] == [1]
    assert notifications[0].message_ids == [r["messageId"] for r in batch["Records"]]


def test_same_event_id_in_two_accounts_is_two_events() -> None:
    """GIVEN the same eventID from two accounts WHEN folded THEN each account gets its event."""
    other = load_event("root_api_read_only", recipientAccountId="333333333333")
    other["account"] = "333333333333"
    notifications = fold(read_batch(sqs_batch(load_event("root_api_read_only"), other)))
    assert sorted((n.account_id, n.event_count) for n in notifications) == [
        ("222222222222", 1),
        ("333333333333", 1),
    ]


def test_records_without_event_id_stay_with_their_accounts() -> None:
    """GIVEN root events without an eventID from two accounts WHEN folded THEN each is reported in its own
    account, none under "unknown"."""
    events = []
    for account in ("222222222222", "333333333333"):
        event = load_event("root_api_read_only", recipientAccountId=account)
        del event["detail"]["eventID"]
        events.append({**event, "account": account})
    notifications = fold(read_batch(sqs_batch(*events)))
    assert sorted(n.account_id for n in notifications) == ["222222222222", "333333333333"]
    assert all(n.event_count == 1 for n in notifications)


def test_unparseable_records_are_reported_per_account() -> None:
    """GIVEN malformed records from two accounts and one with no readable account WHEN folded THEN three
    notifications: one per account and one "unknown"."""
    bad = []
    for account in ("222222222222", "333333333333"):
        event = load_event("root_api_read_only", userAgent=["not", "text"])
        bad.append({**event, "account": account})
    notifications = fold(read_batch(sqs_batch(*bad, "not json")))
    assert [n.account_id for n in notifications] == ["222222222222", "333333333333", UNKNOWN_ACCOUNT]
    assert all(len(n.unparseable) == 1 and not n.entries for n in notifications)
