"""A heartbeat says how often its schedule calls; one slower than the watchdog tolerates is told once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from heartbeat_fixtures import TABLE, create_table, heartbeat_event, item
from load import sqs_batch
from root_activity_monitor import heartbeat as components_heartbeat

from handler import app, heartbeat, heartbeat_interval
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

ACCOUNT, REGION = "222222222222", "eu-west-1"


def beating_every(minutes: int | None, time: str = "2026-11-27T05:00:00Z") -> dict[str, Any]:
    """A heartbeat whose record carries the request its schedule sends (the components' call input), with
    CloudTrail's lower-camel parameter names; `None`: a record without request parameters."""
    if minutes is None:
        return heartbeat_event(ACCOUNT, REGION, time)
    request = json.loads(components_heartbeat.call_input(ACCOUNT, REGION, str(minutes * 60)))
    parameters = {"event": request["Event"], "eventPattern": request["EventPattern"]}
    return heartbeat_event(ACCOUNT, REGION, time, requestParameters=parameters)


@pytest.fixture
def hub(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[SnsToSqs]:
    """The heartbeat table and the topic; the hub's watchdog expects a heartbeat every 15 minutes and
    reports silence after 2."""
    heartbeat.dynamodb_client.cache_clear()
    create_table()
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    monkeypatch.setenv("HEARTBEAT_INTERVAL_MINUTES", "15")
    monkeypatch.setenv("SILENT_INTERVALS", "2")
    yield sns_to_sqs
    heartbeat.dynamodb_client.cache_clear()


def test_a_heartbeat_slower_than_the_watchdog_tolerates_is_notified_once(hub: SnsToSqs) -> None:
    """GIVEN a spoke beating every 60 minutes and a hub expecting 15 x 2 WHEN three heartbeats arrive in
    three batches THEN one health notification names the key, the spoke's 60 and the hub's 15; each
    heartbeat is recorded."""
    for hour in ("05", "06", "07"):
        assert app.handle_batch(sqs_batch(beating_every(60, f"2026-11-27T{hour}:00:00Z")), hub.topic_arn) == {
            "batchItemFailures": []
        }
    (notification,) = hub.received()
    assert notification["MessageAttributes"]["category"]["Value"] == "health"
    document = notification["Message"]
    assert (document["category"], document["account"]["id"]) == ("health", ACCOUNT)
    (event,) = document["events"]
    assert event["eventName"] == "HeartbeatIntervalMismatch" and event["awsRegion"] == REGION
    assert (event["configKey"], event["intervalMinutes"], event["hubIntervalMinutes"]) == (
        "heartbeatIntervalMinutes",
        60,
        15,
    )
    assert "heartbeatIntervalMinutes" in document["title"]
    stored = item(ACCOUNT, REGION)
    assert stored is not None and stored["lastHeard"] == str(heartbeat._epoch("2026-11-27T07:00:00Z"))


@pytest.mark.parametrize("minutes", [15, 29, None])
def test_a_heartbeat_the_watchdog_tolerates_or_that_does_not_say_is_not_notified(
    hub: SnsToSqs, minutes: int | None
) -> None:
    """GIVEN the hub expecting 15 x 2 WHEN a heartbeat says 15 or 29 minutes, or says nothing (a record
    without request parameters) THEN it is recorded and nothing is notified."""
    app.handle_batch(sqs_batch(beating_every(minutes)), hub.topic_arn)
    assert item(ACCOUNT, REGION) is not None
    assert hub.received() == []


def test_equal_intervals_raise_nothing(hub: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN spoke and hub both at 60 minutes (x 3) THEN no notification."""
    monkeypatch.setenv("HEARTBEAT_INTERVAL_MINUTES", "60")
    monkeypatch.setenv("SILENT_INTERVALS", "3")
    app.handle_batch(sqs_batch(beating_every(60)), hub.topic_arn)
    assert hub.received() == []


def test_a_change_on_either_side_is_notified_again_and_a_failed_publish_retried(
    hub: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a mismatch whose publish fails THEN the next heartbeat notifies it; WHEN the spoke moves to
    120 minutes THEN once more; WHEN the hub then tolerates 120 x 2 THEN nothing more."""

    def refused(_request: PublishRequest) -> str:
        raise RuntimeError("throttled")

    app.handle_batch(sqs_batch(beating_every(60, "2026-11-27T05:00:00Z")), hub.topic_arn, publish=refused)
    app.handle_batch(sqs_batch(beating_every(60, "2026-11-27T06:00:00Z")), hub.topic_arn)
    app.handle_batch(sqs_batch(beating_every(120, "2026-11-27T07:00:00Z")), hub.topic_arn)
    monkeypatch.setenv("HEARTBEAT_INTERVAL_MINUTES", "120")
    app.handle_batch(sqs_batch(beating_every(120, "2026-11-27T09:00:00Z")), hub.topic_arn)
    minutes = [n["Message"]["events"][0]["intervalMinutes"] for n in hub.received()]
    assert minutes == [60, 120]


def test_the_notifier_reads_the_field_the_schedule_writes() -> None:
    """GIVEN the components' heartbeat request THEN the notifier's field name and reading agree with it."""
    assert heartbeat_interval.INTERVAL_FIELD == components_heartbeat.INTERVAL_FIELD
    beat = beating_every(240)
    assert heartbeat_interval.interval_seconds(beat["detail"]["requestParameters"]) == 240 * 60


def test_a_failing_check_never_fails_the_heartbeat(hub: SnsToSqs) -> None:
    """GIVEN the table refusing the interval check's own write (throttled) THEN the heartbeat is still
    recorded and not handed back, nothing is notified, and the next heartbeat checks again."""
    dynamodb = heartbeat.dynamodb_client()

    def throttled_check(**request: Any) -> object:
        if heartbeat_interval.CHECKED_ATTRIBUTE in request["UpdateExpression"]:
            raise RuntimeError("ProvisionedThroughputExceededException")
        return dynamodb.update_item(**request)

    batch = sqs_batch(beating_every(60))
    response = app.handle_batch(batch, hub.topic_arn, write_heartbeat=throttled_check)
    assert response == {"batchItemFailures": []}
    assert item(ACCOUNT, REGION) is not None and hub.received() == []
    app.handle_batch(sqs_batch(beating_every(60, "2026-11-27T06:00:00Z")), hub.topic_arn)
    assert len(hub.received()) == 1


def test_a_table_refusing_to_return_the_old_item_still_records_the_heartbeat(hub: SnsToSqs) -> None:
    """GIVEN a table whose policy refuses the heartbeat write that asks for the old item back THEN the
    heartbeat is written without it and not handed back; its interval is simply not checked."""
    dynamodb = heartbeat.dynamodb_client()

    def no_read_back(**request: Any) -> object:
        if "ReturnValues" in request:
            error = {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}
            raise ClientError(error, "UpdateItem")
        return dynamodb.update_item(**request)

    response = app.handle_batch(sqs_batch(beating_every(60)), hub.topic_arn, write_heartbeat=no_read_back)
    assert response == {"batchItemFailures": []}
    assert item(ACCOUNT, REGION) is not None and hub.received() == []
