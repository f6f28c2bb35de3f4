"""Floods and little time: one account's tamper flood is one notification, root alerts go first, and what
does not fit in the batch's time is returned for retry, never lost."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from heartbeat_fixtures import TABLE, create_table, heartbeat_event, item, stored_pairs
from load import load_event, sqs_batch, tamper_by

from handler import app, heartbeat
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"


def ids(batch: dict[str, Any]) -> list[str]:
    return [r["messageId"] for r in batch["Records"]]


def returned(result: dict[str, list[dict[str, str]]]) -> set[str]:
    return {f["itemIdentifier"] for f in result["batchItemFailures"]}


def test_a_thousand_actors_in_one_account_are_one_tamper_notification(sns_to_sqs: SnsToSqs) -> None:
    """GIVEN 1,000 principals each disabling a rule in one account WHEN handled THEN subscribers get one
    tamper notification that counts all 1,000 changes and principals, cut to fit and marked truncated."""
    result = app.handle_batch(sqs_batch(*(tamper_by(i) for i in range(1000))), sns_to_sqs.topic_arn)
    assert result == {"batchItemFailures": []}
    (received,) = sns_to_sqs.received()
    doc = received["Message"]
    assert (doc["category"], doc["severity"], doc["eventCount"]) == ("tamper", "CRITICAL", 1000)
    assert doc["actor"] == "1,000 principals"
    assert doc["truncated"] is True and 0 < len(doc["events"]) < 1000
    assert {a["changes"] for a in doc["actors"]} == {1}
    assert doc["title"].endswith(" and 999 more changes")


def test_a_tamper_event_delivered_twice_under_two_actors_is_mailed_once() -> None:
    """GIVEN two records of one account with the same eventID but different actors WHEN handled THEN one
    notification lists the change once and no record is handed back (which would mail it again)."""
    first, second = tamper_by(1), tamper_by(2)
    second["detail"]["eventID"] = first["detail"]["eventID"]
    published: list[PublishRequest] = []
    result = app.handle_batch(sqs_batch(first, second), TOPIC, publish=published.append)
    assert result == {"batchItemFailures": []}
    (request,) = published
    assert request.attributes["category"] == "tamper"
    assert len(request.message_ids) == 2


def test_a_redelivered_tamper_event_whose_publish_fails_returns_both_deliveries() -> None:
    """GIVEN one tamper record delivered twice and SNS refusing the publish THEN both deliveries are
    returned for retry."""
    batch = sqs_batch(tamper_by(1), tamper_by(1))

    def refuse(_request: PublishRequest) -> None:
        raise RuntimeError("throttled")

    assert returned(app.handle_batch(batch, TOPIC, publish=refuse)) == set(ids(batch))


def test_a_tamper_event_claiming_another_account_is_reported_against_the_sender() -> None:
    """GIVEN a tamper record whose recipientAccountId differs from the envelope's account THEN the
    notification is about the envelope's account, CRITICAL, and names the claimed account."""
    event = tamper_by(1)
    event["detail"]["recipientAccountId"] = "999999999999"
    published: list[PublishRequest] = []
    app.handle_batch(sqs_batch(event), TOPIC, publish=published.append)
    (request,) = published
    assert (request.attributes["accountId"], request.attributes["severity"]) == ("222222222222", "CRITICAL")
    assert "claiming 999999999999" in request.subject


def slow(published: list[PublishRequest], seconds: float) -> Any:
    """A publisher stand-in that takes ``seconds`` per call, as SNS under load would."""
    lock, never = threading.Lock(), threading.Event()

    def publish(request: PublishRequest) -> None:
        never.wait(seconds)
        with lock:
            published.append(request)

    return publish


def test_a_root_event_after_a_400_account_tamper_flood_is_published_first() -> None:
    """GIVEN 400 tamper events from 400 accounts, then one root sign-in, 70 ms per publish and half a second
    beyond the safety margin WHEN handled THEN the root sign-in is published, and every tamper record is
    either published or returned for retry."""
    flood = [tamper_by(i, account=f"{300000000000 + i}") for i in range(400)]
    batch = sqs_batch(*flood, load_event("root_console_signin_no_mfa"))
    root_id = batch["Records"][-1]["messageId"]
    published: list[PublishRequest] = []
    result = app.handle_batch(
        batch, TOPIC, publish=slow(published, 0.07), remaining_ms=lambda: app.SAFETY_MARGIN_MS + 500
    )
    sent = {m for request in published for m in request.message_ids}
    assert root_id in sent
    assert 0 < len(sent) < len(batch["Records"])
    assert returned(result).isdisjoint(sent)
    assert returned(result) | sent == set(ids(batch))


@pytest.fixture
def heartbeat_table(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> SnsToSqs:
    heartbeat.dynamodb_client.cache_clear()
    create_table()
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    return sns_to_sqs


def slow_writes(seconds: float) -> Any:
    """The moto table's update_item, taking ``seconds`` per call as a throttled table would."""
    client, never = boto3.client("dynamodb", region_name="us-east-1"), threading.Event()

    def update_item(**kwargs: Any) -> object:
        never.wait(seconds)
        return client.update_item(**kwargs)

    return update_item


def heartbeats_and_a_sign_in(count: int) -> dict[str, Any]:
    beats = [heartbeat_event(f"{400000000000 + i}", "eu-west-1") for i in range(count)]
    return sqs_batch(*beats, load_event("root_console_signin_no_mfa"))


def test_a_thousand_heartbeats_with_five_seconds_left_are_all_returned(heartbeat_table: SnsToSqs) -> None:
    """GIVEN 1,000 heartbeats and a root sign-in with 5 s left WHEN handled THEN nothing is started (a
    publish or write could outlive the function) and every record is returned for retry."""
    batch = heartbeats_and_a_sign_in(1000)
    result = app.handle_batch(
        batch, heartbeat_table.topic_arn, remaining_ms=lambda: 5_000, write_heartbeat=slow_writes(0.02)
    )
    assert returned(result) == set(ids(batch))
    assert heartbeat_table.received() == []
    assert item("400000000000", "eu-west-1") is None


def test_heartbeat_writes_come_after_the_root_alert_and_stop_in_time(heartbeat_table: SnsToSqs) -> None:
    """GIVEN 1,000 heartbeats before a root sign-in, 20 ms per write and a second beyond the safety margin
    WHEN handled THEN the sign-in is published, some heartbeats are written, and the others are returned."""
    batch = heartbeats_and_a_sign_in(1000)
    root_id = batch["Records"][-1]["messageId"]
    result = app.handle_batch(
        batch,
        heartbeat_table.topic_arn,
        remaining_ms=lambda: app.SAFETY_MARGIN_MS + 1_000,
        write_heartbeat=slow_writes(0.02),
    )
    (received,) = heartbeat_table.received()
    assert received["Message"]["events"][0]["eventName"] == "ConsoleLogin"
    back = returned(result)
    assert root_id not in back
    stored = stored_pairs()
    written = [i for i in range(1000) if (f"{400000000000 + i}", "eu-west-1") in stored]
    assert 0 < len(written) < 1000
    assert len(back) == 1000 - len(written)


def test_heartbeat_writes_have_bounded_timeouts_within_the_safety_margin() -> None:
    """GIVEN the DynamoDB client's timeouts and retries THEN one write at its worst ends well inside the
    margin kept before the function's timeout."""
    config = heartbeat.CLIENT_CONFIG
    assert config.connect_timeout is not None and config.read_timeout is not None
    assert config.retries is not None
    worst = config.retries["total_max_attempts"] * (config.connect_timeout + config.read_timeout)
    assert worst * 1000 < app.SAFETY_MARGIN_MS / 2
