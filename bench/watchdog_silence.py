"""Every pair of a large organization falls silent at once: the watchdog notifies each account once.

Run: uv run python bench/watchdog_silence.py [ACCOUNTS] [REGIONS] [--record]   (default 1000 17)

The watchdog runs for real (handler/watchdog.py, its entry point `watchdog_handler`) against moto's DynamoDB
and SNS: a heartbeat table where every (account, region) was last heard long ago, and the topic. Each run
gets the function's timeout (WATCHDOG_TIMEOUT_SECONDS) as Lambda's clock would give it, measured from the
run's start; the runs go on, each as the next scheduled one, until a run has nothing left for the next.
Prints per run the notifications published and left, then the totals: runs, notifications, accounts
notified twice (must be 0), pairs reported, CPU seconds. moto is slower than AWS per call, so the number of
runs is an upper bound. `--record` keeps the output in bench/results/watchdog_silence.txt and writes it into
docs/operations.md's block (bench/record.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "handler"):
    sys.path.insert(0, str(path))

import boto3  # noqa: E402
from heartbeat_fixtures import REGION, TABLE, create_table  # noqa: E402
from moto import mock_aws  # noqa: E402
from record import recorded  # noqa: E402
from root_activity_monitor.hub.watchdog import WATCHDOG_TIMEOUT_SECONDS  # noqa: E402

from handler import heartbeat, watchdog  # noqa: E402

HOUR = 3600
INTERVAL_MINUTES = 60
SILENT_INTERVALS = 3
LAST_HEARD = 1_764_547_200  # 2025-12-01T00:00:00Z
MAX_RUNS = 50


@dataclass
class Clock:
    """Lambda's context for one run: the function's timeout, counted from when the run started."""

    started: float

    def get_remaining_time_in_millis(self) -> float:
        return WATCHDOG_TIMEOUT_SECONDS * 1000 - (time.monotonic() - self.started) * 1000


def _at(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _silent_table(accounts: list[str], regions: list[str]) -> None:
    create_table()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    heard = {"N": str(LAST_HEARD)}
    requests = [
        {"PutRequest": {"Item": {"accountId": {"S": a}, "region": {"S": r}, "lastHeard": heard}}}
        for a in accounts
        for r in regions
    ]
    for start in range(0, len(requests), 25):
        dynamodb.batch_write_item(RequestItems={TABLE: requests[start : start + 25]})


def _subscriber(topic_arn: str) -> str:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns", region_name=REGION).subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return str(url)


def _delivered(url: str) -> list[dict[str, Any]]:
    """Every notification the subscriber's queue received, as documents."""
    sqs = boto3.client("sqs", region_name=REGION)
    documents = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return documents
        for message in messages:
            documents.append(json.loads(json.loads(message["Body"])["Message"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def measure(accounts: int, regions: int) -> dict[str, Any]:
    """Runs until done over `accounts` by `regions` silent pairs; the figures of each run and in total."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)
    os.environ["AWS_DEFAULT_REGION"] = REGION
    account_ids = [f"{n:012d}" for n in range(1, accounts + 1)]
    region_names = [f"region-{n:02d}" for n in range(1, regions + 1)]
    runs: list[dict[str, Any]] = []
    with mock_aws():
        heartbeat.dynamodb_client.cache_clear()
        _silent_table(account_ids, region_names)
        topic_arn = boto3.client("sns", region_name=REGION).create_topic(Name="bench")["TopicArn"]
        url = _subscriber(topic_arn)
        os.environ.update(
            TOPIC_ARN=topic_arn,
            HEARTBEAT_TABLE=TABLE,
            HEARTBEAT_INTERVAL_MINUTES=str(INTERVAL_MINUTES),
            SILENT_INTERVALS=str(SILENT_INTERVALS),
        )
        due = LAST_HEARD + INTERVAL_MINUTES * 60 * SILENT_INTERVALS
        while len(runs) < MAX_RUNS:
            event = {
                "expectedAccounts": account_ids,
                "expectedRegions": region_names,
                "scheduledTime": _at(due + len(runs) * INTERVAL_MINUTES * 60),
            }
            cpu, wall = time.process_time(), time.monotonic()
            summary = watchdog.watchdog_handler(event, Clock(wall))
            runs.append({**summary, "cpu": time.process_time() - cpu, "wall": time.monotonic() - wall})
            if not summary["notificationsLeftForNextRun"] and not summary["notificationsFailed"]:
                break
        documents = _delivered(url)
        heartbeat.dynamodb_client.cache_clear()
    per_account = Counter(str(document["account"]["id"]) for document in documents)
    return {
        "runs": runs,
        "notifications": len(documents),
        "accounts": len(per_account),
        "duplicates": sum(1 for count in per_account.values() if count > 1),
        "pairs": sum(len(document["events"]) for document in documents),
        "cpu": sum(run["cpu"] for run in runs),
    }


def report(accounts: int, regions: int, figures: dict[str, Any]) -> list[str]:
    lines = [
        f"watchdog, {accounts:,} accounts x {regions} regions silent at once ({accounts * regions:,} pairs; "
        f"moto, timeout {WATCHDOG_TIMEOUT_SECONDS} s per run)",
        f"{'run':>4}{'published':>11}{'left for next':>15}{'failed':>8}{'CPU s':>8}",
    ]
    for number, run in enumerate(figures["runs"], start=1):
        lines.append(
            f"{number:>4}{run['notificationsPublished']:>11,}{run['notificationsLeftForNextRun']:>15,}"
            f"{run['notificationsFailed']:>8,}{run['cpu']:>8.1f}"
        )
    lines += [
        f"runs: {len(figures['runs'])}",
        f"notifications: {figures['notifications']:,} ({figures['accounts']:,} accounts)",
        f"accounts notified more than once: {figures['duplicates']}",
        f"pairs reported: {figures['pairs']:,} of {accounts * regions:,}",
        f"CPU seconds: {figures['cpu']:.1f}",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("accounts", type=int, nargs="?", default=1000)
    parser.add_argument("regions", type=int, nargs="?", default=17)
    parser.add_argument("--record", action="store_true", help="keep the output in bench/results/")
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)
    with recorded("watchdog_silence", record=arguments.record, page=ROOT / "docs" / "operations.md"):
        figures = measure(arguments.accounts, arguments.regions)
        for line in report(arguments.accounts, arguments.regions, figures):
            print(line, flush=True)
        if figures["duplicates"] or figures["pairs"] != arguments.accounts * arguments.regions:
            sys.exit(1)


if __name__ == "__main__":
    main()
