"""The watchdog notifies monitoring gaps once when they open and once when they close."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from heartbeat_fixtures import TABLE, create_table, heartbeat_event, item
from load import sqs_batch

from handler import app, heartbeat, publisher, watchdog
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

HOUR = 3600
THRESHOLD = 3 * HOUR
T0 = int(datetime(2026, 11, 27, 5, 0, tzinfo=UTC).timestamp())
SPOKE = "222222222222"


def at(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Watch:
    """Runs the watchdog against moto at a chosen time, keeping every request it published."""

    def __init__(self, topic: SnsToSqs) -> None:
        self.topic = topic
        self.requests: list[PublishRequest] = []

    def publish(self, request: PublishRequest) -> str:
        self.requests.append(request)
        return publisher.publish(request)

    def run(
        self, now: int, accounts: tuple[str, ...] = (), regions: tuple[str, ...] = ()
    ) -> list[dict[str, Any]]:
        event = {
            "expectedAccounts": list(accounts),
            "expectedRegions": list(regions),
            "scheduledTime": at(now),
        }
        watchdog.watch(
            event,
            table=TABLE,
            topic_arn=self.topic.topic_arn,
            threshold=THRESHOLD,
            # As the static resolver does: a name where one is configured, else the ID itself.
            account_name=lambda account: {SPOKE: "Payments"}.get(account, account),
            publish=self.publish,
        )
        return self.topic.received()

    def beat(self, account: str, region: str, when: int) -> None:
        app.handle_batch(sqs_batch(heartbeat_event(account, region, at(when))), self.topic.topic_arn)


@pytest.fixture
def watch(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Watch]:
    heartbeat.dynamodb_client.cache_clear()
    create_table()
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    yield Watch(sns_to_sqs)
    heartbeat.dynamodb_client.cache_clear()


def test_a_silent_pair_is_notified_once(watch: Watch) -> None:
    """GIVEN a pair last heard more than N intervals ago THEN one HIGH monitoring-gap notification names its
    region and last heartbeat, and the next run says nothing more."""
    watch.beat(SPOKE, "eu-west-1", T0)
    assert watch.run(T0 + 2 * HOUR) == []
    received = watch.run(T0 + THRESHOLD + 60)
    assert len(received) == 1
    envelope = received[0]
    attributes = {k: v["Value"] for k, v in envelope["MessageAttributes"].items()}
    assert attributes["category"] == "monitoring-gap"
    assert attributes["severity"] == "HIGH"
    assert attributes["accountId"] == SPOKE
    document = envelope["Message"]
    assert document["category"] == "monitoring-gap"
    assert document["account"] == {"id": SPOKE, "name": "Payments"}
    assert [(e["awsRegion"], e["eventName"]) for e in document["events"]] == [
        ("eu-west-1", "HeartbeatMissing")
    ]
    assert at(T0) in document["events"][0]["reason"]
    bodies = json.loads(watch.requests[0].message)
    assert "eu-west-1" in bodies["email"] and at(T0) in bodies["email"] and "What to do" in bodies["email"]
    card = json.loads(bodies["https"])
    assert card["source"] == "custom" and "eu-west-1" in card["content"]["description"]
    assert watch.requests[0].subject.startswith("[HIGH] Monitoring gap")
    assert watch.run(T0 + THRESHOLD + HOUR) == []


def test_an_expected_pair_that_never_reports_is_notified_after_n_intervals(watch: Watch) -> None:
    """GIVEN an expected pair with no heartbeat THEN nothing is said on the first run, and after N intervals
    one HeartbeatNeverReceived notification follows."""
    assert watch.run(T0, (SPOKE,), ("us-east-1",)) == []
    stored = item(SPOKE, "us-east-1")
    assert stored is not None and int(stored["watchedSince"]) == T0
    assert watch.run(T0 + HOUR, (SPOKE,), ("us-east-1",)) == []
    received = watch.run(T0 + THRESHOLD, (SPOKE,), ("us-east-1",))
    assert [e["eventName"] for e in received[0]["Message"]["events"]] == ["HeartbeatNeverReceived"]
    assert "no heartbeat ever received" in json.loads(watch.requests[0].message)["email"]


def test_a_recovered_pair_is_notified_once_at_info(watch: Watch) -> None:
    """GIVEN a notified silent pair WHEN its heartbeat returns THEN one INFO notification, then quiet."""
    watch.beat(SPOKE, "eu-west-1", T0)
    watch.run(T0 + THRESHOLD + 60)
    watch.beat(SPOKE, "eu-west-1", T0 + 5 * HOUR)
    received = watch.run(T0 + 5 * HOUR + 60)
    assert len(received) == 1
    assert received[0]["Message"]["severity"] == "INFO"
    assert [e["eventName"] for e in received[0]["Message"]["events"]] == ["HeartbeatRecovered"]
    assert json.loads(watch.requests[-1].message)["email"].startswith("Monitoring restored in eu-west-1")
    assert watch.run(T0 + 6 * HOUR) == []


def test_gaps_of_one_account_come_in_one_notification(watch: Watch) -> None:
    """GIVEN two silent regions of one account and one of another THEN one notification per account."""
    for account, region in ((SPOKE, "eu-west-1"), (SPOKE, "us-east-1"), ("333333333333", "us-east-1")):
        watch.beat(account, region, T0)
    received = watch.run(T0 + THRESHOLD)
    regions = {
        e["Message"]["account"]["id"]: [v["awsRegion"] for v in e["Message"]["events"]] for e in received
    }
    assert regions == {SPOKE: ["eu-west-1", "us-east-1"], "333333333333": ["us-east-1"]}


def test_a_failed_publish_is_retried_on_the_next_run(watch: Watch) -> None:
    """GIVEN the topic refuses a gap notification THEN the gap stays unmarked and the next run notifies it."""
    watch.beat(SPOKE, "eu-west-1", T0)
    event = {"scheduledTime": at(T0 + THRESHOLD)}

    def refuse(_request: PublishRequest) -> str:
        raise RuntimeError("throttled")

    watchdog.watch(event, table=TABLE, topic_arn=watch.topic.topic_arn, threshold=THRESHOLD, publish=refuse)
    stored = item(SPOKE, "eu-west-1")
    assert stored is not None and "gap" not in stored
    assert len(watch.run(T0 + THRESHOLD + HOUR)) == 1


def test_the_entry_point_reads_its_settings_from_the_environment(
    watch: Watch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the function's environment (interval 30 min, 2 intervals) THEN a pair silent for an hour is
    notified under its configured account name."""
    for name, value in {
        "TOPIC_ARN": watch.topic.topic_arn,
        "HEARTBEAT_INTERVAL_MINUTES": "30",
        "SILENT_INTERVALS": "2",
        "ACCOUNT_NAMES": json.dumps({SPOKE: "Payments"}),
    }.items():
        monkeypatch.setenv(name, value)
    watch.beat(SPOKE, "eu-west-1", T0)
    assert watchdog.watchdog_handler({"scheduledTime": at(T0 + HOUR - 60)}, None)["changes"] == 0
    summary = watchdog.watchdog_handler({"scheduledTime": at(T0 + HOUR)}, None)
    assert summary["notificationsPublished"] == 1
    (received,) = watch.topic.received()
    assert received["Message"]["account"] == {"id": SPOKE, "name": "Payments"}


def test_a_large_first_run_starts_the_clocks_over_several_runs(
    watch: Watch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN more new expected pairs than one run may start THEN the rest are started on the next run."""
    monkeypatch.setattr(watchdog, "MAX_NEW_PAIRS_PER_RUN", 2)
    regions = ("eu-west-1", "us-east-1", "ap-south-1")
    watch.run(T0, (SPOKE,), regions)
    assert sum(item(SPOKE, region) is not None for region in regions) == 2
    watch.run(T0 + HOUR, (SPOKE,), regions)
    assert all(item(SPOKE, region) is not None for region in regions)


def test_a_heartbeat_written_after_the_scan_is_not_overwritten_by_a_clock(watch: Watch) -> None:
    """GIVEN a pair heard between the watchdog's scan and its write THEN the write is skipped, no error."""
    watch.beat(SPOKE, "eu-west-1", T0)
    watchdog._start_clock(heartbeat.dynamodb_client(), TABLE, SPOKE, "eu-west-1", T0 + 60)
    stored = item(SPOKE, "eu-west-1")
    assert stored is not None and "watchedSince" not in stored
