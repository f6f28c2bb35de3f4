"""The hub account's administrator deletes the table the watchdog reads: a tamper notification arrives.

The hub is replayed into moto in its own region; the table is deleted there, and CloudTrail's record of the
call (AWS's published DeleteTable record, moved to the hub account and table) is delivered to that region's
default bus after it took effect. The hub's own tamper rule forwards it to the hub bus, the hub's tamper
route buffers it, and the notifier publishes it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from root_activity_monitor.simulate.accounts import AwsAccounts
from root_activity_monitor.simulate.delivery import EventRouter, Trace
from root_activity_monitor.simulate.notifier import run_notifiers
from root_activity_monitor.simulate.observer import read_observer, subscribe_observers
from root_activity_monitor.simulate.report import DeliveredNotification
from root_activity_monitor.simulate.resources import replay
from root_activity_monitor.simulate.run import embedded_aws, record_stacks
from root_activity_monitor.simulate.stacks import key_policy_lookup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "events"))
from load import load_event

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE = "aws:dynamodb/table:Table"


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[DeliveredNotification], str]]:
    """What the hub's topic delivered after the hub account's administrator deleted the heartbeat table, and
    the table's name."""
    document = yaml.safe_load((REPO_ROOT / "Pulumi.hub.yaml").read_text())
    region = document["config"]["aws:region"]
    document["config"]["root-activity-monitor:regions"] = [region]
    path = tmp_path_factory.mktemp("hub-tables") / "Pulumi.hub.yaml"
    path.write_text(yaml.safe_dump(document))
    (hub,) = record_stacks(path, [])
    heartbeats = next(r for r in hub.recorded.of_type(TABLE) if r.name.endswith("-heartbeats"))
    table = str(heartbeats.outputs["name"])
    with embedded_aws():
        aws = AwsAccounts()
        replay(aws, [(hub.account_id, list(hub.recorded.resources))])
        observers = subscribe_observers(aws, hub)
        aws.dynamodb(hub.account_id, region).delete_table(TableName=table)
        record = load_event("published/non_root_awsdocs_assumed_role_delete_table")
        record["account"] = record["detail"]["recipientAccountId"] = hub.account_id
        record["region"] = record["detail"]["awsRegion"] = region
        record["detail"]["requestParameters"]["tableName"] = table
        key_policy = key_policy_lookup([hub])
        router = EventRouter(aws, organization_id=hub.file.value("organizationId"), key_policy=key_policy)
        router.put_from_cloudtrail(record, Trace())
        run = run_notifiers(aws, hub.recorded, key_policy)
        assert run.problems == []
        yield [n for account, where, url in observers for n in read_observer(aws, account, where, url)], table


def test_deleting_the_heartbeat_table_is_notified_as_tamper_and_nothing_else(
    delivered: tuple[list[DeliveredNotification], str],
) -> None:
    """GIVEN the hub account's administrator deleting the heartbeat table THEN exactly one notification
    arrives: CRITICAL tamper, naming the call and the table."""
    notifications, table = delivered
    (notification,) = notifications
    document = notification.document
    assert (document["category"], document["severity"]) == ("tamper", "CRITICAL")
    (event,) = document["events"]
    assert (event["eventName"], event["resource"]) == ("DeleteTable", table)
    assert notification.subject.startswith("[CRITICAL] Tamper: ")
