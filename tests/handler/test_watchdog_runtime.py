"""The watchdog in an organization and under load: whom it expects, its time budget, clocks it distrusts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from heartbeat_fixtures import TABLE, create_table, item

from handler import heartbeat, organizations, publisher, watchdog
from handler.budget import Budget
from handler.membership import GRACE_INTERVALS
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

HOUR = 3600
THRESHOLD = 3 * HOUR
REGIONS = ("us-east-1", "eu-west-1")
HUB = "111111111111"


def at(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Hub:
    """A moto heartbeat table and topic, and an organization with two OUs (one nested) and one outside."""

    def __init__(self, topic: SnsToSqs) -> None:
        self.topic = topic
        self.org = boto3.client("organizations", region_name="us-east-1")
        self.org.create_organization(FeatureSet="ALL")
        root = self.org.list_roots()["Roots"][0]["Id"]
        self.workloads = self._unit(root, "Workloads")
        self.nested = self._unit(self.workloads, "Prod")
        self.sandbox = self._unit(root, "Sandbox")
        self.requests: list[PublishRequest] = []

    def _unit(self, parent: str, name: str) -> str:
        return str(
            self.org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
        )

    def member(self, name: str, unit: str) -> str:
        account = self.org.create_account(AccountName=name, Email=f"{name}@example.com")
        account_id = str(account["CreateAccountStatus"]["AccountId"])
        root = self.org.list_roots()["Roots"][0]["Id"]
        self.org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=unit)
        return account_id

    def publish(self, request: PublishRequest) -> str:
        self.requests.append(request)
        return publisher.publish(request)

    def event(self, now: int, units: tuple[str, ...] = ()) -> dict[str, Any]:
        return {
            "expectedAccounts": [HUB],
            "expectedRegions": list(REGIONS),
            "expectedOrganizationalUnits": list(units),
            "scheduledTime": at(now),
        }

    def run(self, now: int, units: tuple[str, ...] = (), **options: Any) -> dict[str, int]:
        event = self.event(now, units)
        members = watchdog.organization_members(event, {}, interval_seconds=HOUR)
        return watchdog.watch(
            event,
            table=TABLE,
            topic_arn=self.topic.topic_arn,
            threshold=THRESHOLD,
            publish=self.publish,
            members=members,
            **options,
        )

    def notified(self) -> dict[str, list[str]]:
        """Account → the event names of the gap notifications it received, in order."""
        out: dict[str, list[str]] = {}
        for envelope in self.topic.received():
            doc = envelope["Message"]
            out.setdefault(doc["account"]["id"], []).extend(e["eventName"] for e in doc["events"])
        return out


class Ticks(Budget):
    """A budget spent after a number of checks: one check per notification started, as a clock would run."""

    def __init__(self, checks: int) -> None:
        super().__init__(None, watchdog.SAFETY_MARGIN_MS)
        self.left = checks
        self.lock = threading.Lock()

    def spent(self) -> bool:
        with self.lock:
            self.left -= 1
            return self.left < 0


@pytest.fixture
def hub(sns_to_sqs: SnsToSqs) -> Iterator[Hub]:
    heartbeat.dynamodb_client.cache_clear()
    organizations.forget_credentials()
    create_table()
    yield Hub(sns_to_sqs)
    heartbeat.dynamodb_client.cache_clear()
    organizations.forget_credentials()


def test_members_of_the_targeted_units_are_expected_after_their_grace_period(hub: Hub) -> None:
    """GIVEN members in a targeted OU, in a nested OU and in an untargeted OU, none reporting THEN the
    first two get 'never received' notices once the grace period and N intervals passed; the third none."""
    direct = hub.member("direct", hub.workloads)
    nested = hub.member("nested", hub.nested)
    hub.member("outside", hub.sandbox)
    joined = int(time.time())
    grace_over = joined + GRACE_INTERVALS * HOUR
    hub.run(joined + HOUR, (hub.workloads,))
    assert item(direct, "us-east-1") is None  # still in its grace period: no clock started
    hub.run(grace_over, (hub.workloads,))
    assert item(direct, "us-east-1") is not None
    hub.run(grace_over + THRESHOLD, (hub.workloads,))
    notified = hub.notified()
    never = ["HeartbeatNeverReceived"] * len(REGIONS)
    assert {account: notified[account] for account in (direct, nested)} == {direct: never, nested: never}
    assert set(notified) == {direct, nested, HUB}


def test_suspended_and_departed_accounts_are_not_expected_and_their_silence_is_no_gap(hub: Hub) -> None:
    """GIVEN two members heard once, then one closed and one removed from the organization THEN neither
    is notified when their heartbeats stop; a member still active is."""
    staying, closing, leaving = (hub.member(n, hub.workloads) for n in ("staying", "closing", "leaving"))
    now = int(time.time()) + GRACE_INTERVALS * HOUR
    for account in (staying, closing, leaving, HUB):
        for region in REGIONS:
            heartbeat.record_heartbeats(
                [heartbeat.Heartbeat("m", account, region, now - HOUR)], TABLE, Budget(None, 0)
            )
    hub.org.close_account(AccountId=closing)
    hub.org.remove_account_from_organization(AccountId=leaving)
    summary = hub.run(now + THRESHOLD, (hub.workloads,))
    assert set(hub.notified()) == {staying, HUB}
    assert summary["pairsNoLongerExpected"] == 2 * len(REGIONS)


def test_without_organizations_the_configured_accounts_are_still_watched(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN the organization cannot be listed (access denied) THEN the run warns, expects the configured
    accounts, and drops nobody it already watches."""
    member = hub.member("member", hub.workloads)
    heartbeat.record_heartbeats(
        [heartbeat.Heartbeat("m", member, "us-east-1", int(time.time()))], TABLE, Budget(None, 0)
    )

    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("AccessDeniedException")

    monkeypatch.setattr(organizations, "accounts_under", denied)
    summary = hub.run(int(time.time()) + THRESHOLD, (hub.workloads,))
    assert summary["pairsNoLongerExpected"] == 0
    assert set(hub.notified()) == {member}
    assert item(HUB, "us-east-1") is not None


def test_a_flood_of_silent_pairs_finishes_across_runs_each_account_notified_once(hub: Hub) -> None:
    """GIVEN 40 accounts x 17 regions silent at once and runs whose time runs out after 15 accounts THEN
    each run stops in time, and the next runs notify the rest: every account exactly once."""
    regions = [f"r{n}" for n in range(17)]
    accounts = [f"{n:012d}" for n in range(1, 41)]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    heard = int(time.time()) - 10 * HOUR
    requests = [
        {"PutRequest": {"Item": {"accountId": {"S": a}, "region": {"S": r}, "lastHeard": {"N": str(heard)}}}}
        for a in accounts
        for r in regions
    ]
    for start in range(0, len(requests), 25):
        dynamodb.batch_write_item(RequestItems={TABLE: requests[start : start + 25]})
    published: list[str] = []

    def publish(request: PublishRequest) -> str:
        published.append(request.attributes["accountId"])
        return "id"

    runs = []
    while len(runs) < 5:
        summary = watchdog.watch(
            {"scheduledTime": at(heard + THRESHOLD)},
            table=TABLE,
            topic_arn=hub.topic.topic_arn,
            threshold=THRESHOLD,
            publish=publish,
            budget=Ticks(15),
        )
        runs.append(summary["notificationsPublished"])
        if not summary["notificationsLeftForNextRun"]:
            break
    assert runs == [15, 15, 10]
    assert sorted(published) == accounts


def test_a_heartbeat_time_from_the_future_is_set_back_to_now(hub: Hub) -> None:
    """GIVEN a pair whose recorded heartbeat lies a year ahead THEN the run sets it to now, and the pair is
    notified silent N intervals later, not a year later."""
    now = int(time.time())
    boto3.client("dynamodb", region_name="us-east-1").put_item(
        TableName=TABLE,
        Item={
            "accountId": {"S": HUB},
            "region": {"S": "us-east-1"},
            "lastHeard": {"N": str(now + 365 * 24 * HOUR)},
        },
    )
    hub.run(now)
    stored = item(HUB, "us-east-1")
    assert stored is not None and int(stored["lastHeard"]) == now
    hub.run(now + THRESHOLD)
    assert "HeartbeatMissing" in hub.notified()[HUB]


def test_a_heartbeat_record_from_the_future_is_recorded_as_now() -> None:
    """GIVEN a heartbeat whose eventTime is a day ahead THEN the time written is the notifier's now."""
    written: list[dict[str, Any]] = []
    ahead = int(time.time()) + 24 * HOUR
    heartbeat.record_heartbeats(
        [heartbeat.Heartbeat("m", HUB, "us-east-1", ahead)],
        TABLE,
        Budget(None, 0),
        update=lambda **call: written.append(call),
    )
    (call,) = written
    assert int(call["ExpressionAttributeValues"][":heard"]["N"]) <= time.time()
