"""The notifier records heartbeats in the hub's table and never notifies them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from heartbeat_fixtures import TABLE, create_table, heartbeat_event, item, sqs_records
from load import load_event

from handler import app, heartbeat
from handler.intake import read_record

if TYPE_CHECKING:
    from conftest import SnsToSqs


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp())


@pytest.fixture
def table(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[SnsToSqs]:
    """The moto topic and subscriber, plus the heartbeat table named in the notifier's environment."""
    heartbeat.dynamodb_client.cache_clear()
    create_table()
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    yield sns_to_sqs
    heartbeat.dynamodb_client.cache_clear()


def test_heartbeat_is_recorded_and_not_notified(table: SnsToSqs) -> None:
    """GIVEN a batch with a heartbeat and a root sign-in THEN the pair's last-heard time is stored, and only
    the sign-in is notified."""
    batch = sqs_records(
        heartbeat_event("222222222222", "eu-west-1"), load_event("root_console_signin_no_mfa")
    )
    response = app.handle_batch(batch, table.topic_arn)
    assert response == {"batchItemFailures": []}
    stored = item("222222222222", "eu-west-1")
    assert stored is not None
    assert int(stored["lastHeard"]) == epoch("2026-11-27T05:00:00Z")
    notified = table.received()
    assert len(notified) == 1
    assert [e["eventName"] for e in notified[0]["Message"]["events"]] == ["ConsoleLogin"]


def test_an_older_heartbeat_does_not_move_the_time_back(table: SnsToSqs) -> None:
    """GIVEN a late heartbeat older than the one recorded THEN the newer time stays."""
    app.handle_batch(sqs_records(heartbeat_event(time="2026-11-27T06:00:00Z")), table.topic_arn)
    app.handle_batch(sqs_records(heartbeat_event(time="2026-11-27T05:00:00Z")), table.topic_arn)
    stored = item("222222222222", "eu-west-1")
    assert stored is not None and int(stored["lastHeard"]) == epoch("2026-11-27T06:00:00Z")
    assert table.received() == []


@pytest.mark.parametrize(
    ("why", "event"),
    [
        ("another role's call", heartbeat_event(role="some-admin-role")),
        ("a refused call", heartbeat_event(errorCode="AccessDenied")),
        (
            "another account's heartbeat role",
            heartbeat_event(account="333333333333") | {"account": "444444444444"},
        ),
    ],
)
def test_what_is_not_a_heartbeat_is_not_recorded(table: SnsToSqs, why: str, event: dict[str, object]) -> None:
    """GIVEN a TestEventPattern call that is not this account's heartbeat role's successful call THEN no
    pair is recorded, and it is not mailed as tampering either (the call changes nothing)."""
    app.handle_batch(sqs_records(event), table.topic_arn)
    assert item(str(event["account"]), "eu-west-1") is None, why
    assert table.received() == [], why


def test_a_custom_event_cannot_pose_as_a_heartbeat(table: SnsToSqs) -> None:
    """GIVEN a heartbeat-shaped event with a custom source (what PutEvents allows) THEN it is not recorded."""
    forged = heartbeat_event() | {"source": "my.forgery"}
    assert not isinstance(read_record(sqs_records(forged)["Records"][0]), heartbeat.Heartbeat)
    app.handle_batch(sqs_records(forged), table.topic_arn)
    assert item("222222222222", "eu-west-1") is None


def test_a_failed_write_hands_the_heartbeat_back_for_retry(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a table that does not exist THEN the heartbeat's record is returned for retry."""
    heartbeat.dynamodb_client.cache_clear()
    monkeypatch.setenv("HEARTBEAT_TABLE", "no-such-table")
    batch = sqs_records(heartbeat_event())
    response = app.handle_batch(batch, sns_to_sqs.topic_arn)
    assert response == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    heartbeat.dynamodb_client.cache_clear()


def test_the_role_prefix_agrees_with_the_components() -> None:
    """GIVEN the role name prefix the components give heartbeat roles THEN the notifier looks for the same."""
    from root_activity_monitor import heartbeat as component

    assert heartbeat.ROLE_NAME_PREFIX == component.ROLE_NAME_PREFIX
    assert heartbeat.EVENT_NAME == component.EVENT_NAME
    assert heartbeat.EVENT_SOURCE == component.EVENT_SOURCE


def test_without_a_table_heartbeats_are_dropped_not_notified(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN a notifier deployed without HEARTBEAT_TABLE THEN a heartbeat is neither notified nor retried,
    and a warning says why."""
    monkeypatch.delenv("HEARTBEAT_TABLE", raising=False)
    response = app.handle_batch(sqs_records(heartbeat_event()), sns_to_sqs.topic_arn)
    assert response == {"batchItemFailures": []}
    assert sns_to_sqs.received() == []
    assert "HEARTBEAT_TABLE is not set" in caplog.text
