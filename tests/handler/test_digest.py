"""Folding a batch into notifications per (account, actor session)."""

from __future__ import annotations

from typing import Any

from load import load_event, sqs_batch

from handler.digest import UNKNOWN_ACCOUNT, fold, summarize
from handler.intake import read_batch
from handler.severity import Severity


def session_events(count: int, **detail: Any) -> list[dict[str, Any]]:
    """``count`` distinct read-only calls of one console session."""
    return [
        load_event("root_api_read_only", eventID=f"00000000-0000-0000-0000-{i:012d}", **detail)
        for i in range(count)
    ]


def test_one_session_folds_into_one_notification() -> None:
    """Fifty calls with one access key give one notification listing fifty events."""
    # GIVEN fifty calls of one session WHEN folded
    notifications = fold(read_batch(sqs_batch(*session_events(50))))
    # THEN one notification with all of them
    assert len(notifications) == 1
    assert notifications[0].event_count == 50
    assert notifications[0].session == "ASIAY34FZKBOKMUTVV7A"


def test_sessions_and_accounts_are_kept_apart() -> None:
    """Different access keys, keyless sign-ins by IP, and other accounts each get their own notification."""
    # GIVEN a sign-in (no key), calls with a key, and the same key in another account
    other = load_event("root_api_read_only", eventID="x-1", recipientAccountId="333333333333")
    other["account"] = "333333333333"
    batch = sqs_batch(load_event("root_console_signin_no_mfa"), load_event("root_api_read_only"), other)
    # WHEN folded
    keys = [(n.account_id, n.session) for n in fold(read_batch(batch))]
    # THEN three notifications
    assert keys == [
        ("222222222222", "203.0.113.10"),
        ("222222222222", "ASIAY34FZKBOKMUTVV7A"),
        ("333333333333", "ASIAY34FZKBOKMUTVV7A"),
    ]


def test_duplicate_event_ids_count_once_but_keep_their_message_ids() -> None:
    """An event delivered twice is listed once; both SQS messages stay with the notification for retries."""
    # GIVEN the same event twice
    batch = sqs_batch(load_event("root_api_read_only"), load_event("root_api_read_only"))
    # WHEN folded
    [notification] = fold(read_batch(batch))
    # THEN one event, two message IDs
    assert notification.event_count == 1
    assert notification.message_ids == [r["messageId"] for r in batch["Records"]]


def test_notification_carries_the_highest_severity() -> None:
    """A session with a read-only call and a credential change is CRITICAL, named after the change."""
    # GIVEN a MEDIUM and a CRITICAL call of one session WHEN folded
    [notification] = fold(
        read_batch(sqs_batch(load_event("root_api_read_only"), load_event("root_create_access_key")))
    )
    # THEN the notification takes the CRITICAL event's severity
    assert notification.severity is Severity.CRITICAL
    assert notification.top is not None
    assert notification.top.event.event_name == "CreateAccessKey"


def test_failed_sign_ins_across_sessions_of_one_account_are_one_password_guessing_incident() -> None:
    """Two failed sign-ins from different IPs to one account are one CRITICAL notification."""
    # GIVEN two failures from two IPs
    second = load_event("root_console_signin_failure", eventID="f-2", sourceIPAddress="192.0.2.99")
    # WHEN folded
    notifications = fold(read_batch(sqs_batch(load_event("root_console_signin_failure"), second)))
    # THEN one notification says possible password guessing from two addresses
    [notification] = notifications
    assert notification.severity is Severity.CRITICAL
    assert notification.event_count == 2
    assert (
        "password guessing: 2 failed root sign-ins from 2 addresses" in notification.entries[0].verdict.reason
    )


def test_one_failed_sign_in_stays_high() -> None:
    """A single failed sign-in is HIGH."""
    # GIVEN one failure WHEN folded THEN HIGH
    [notification] = fold(read_batch(sqs_batch(load_event("root_console_signin_failure"))))
    assert notification.severity is Severity.HIGH


def test_unparseable_records_get_a_high_notification_of_their_own() -> None:
    """Unreadable records are collected in one HIGH notification with their message IDs."""
    # GIVEN two unreadable bodies and one event
    batch = sqs_batch("nope", "[]", load_event("root_api_read_only"))
    # WHEN folded
    notifications = fold(read_batch(batch))
    # THEN the last notification holds both unreadable records
    last = notifications[-1]
    assert (last.severity, last.account_id, len(last.unparseable)) == (Severity.HIGH, UNKNOWN_ACCOUNT, 2)
    assert last.message_ids == [r["messageId"] for r in batch["Records"][:2]]


def test_summary_lists_names_times_regions_ips_and_agents() -> None:
    """The summary gives names with counts, first and last time, and distinct regions, IPs and agents."""
    # GIVEN three calls of one session in two regions
    events = [
        load_event("root_api_read_only"),
        load_event("root_api_read_only", eventID="e-2", eventTime="2024-05-14T10:30:00Z"),
        load_event("root_api_write_ap_southeast_2"),
    ]
    [notification] = fold(read_batch(sqs_batch(*events)))
    # WHEN summarised
    summary = summarize(notification.entries)
    # THEN it reads as a person wants it
    assert summary.event_names == [("DescribeInstances", 2), ("RunInstances", 1)]
    assert (summary.first_time, summary.last_time) == ("2024-05-14T10:04:02Z", "2024-05-14T10:30:00Z")
    assert summary.regions == ["eu-west-1", "ap-southeast-2"]
    assert summary.source_ips == ["203.0.113.10"]
    assert summary.user_agents == ["AWS Internal"]
