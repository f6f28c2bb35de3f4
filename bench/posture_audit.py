"""Calls, CPU and notifications of the root credential audit for 1,000 member accounts (docs/posture.md).

Run: uv run python bench/posture_audit.py [--record] [accounts]
`--record` keeps the output in bench/results/posture_audit.txt and writes it into docs/posture.md's quoted
block (bench/record.py).

The audit runs for real (handler/posture_audit.py) against moto's Organizations, DynamoDB and SNS, with
AssumeRoot, ListOrganizationsFeatures and the root user's IAM reads answered by botocore's Stubber: no
network, so the CPU is the audit's own (plus moto's and the Stubber's). One worker: the Stubber answers in
the order it was given, so only one at a time keeps each answer with its account; the work, and so the CPU,
is the same with the function's eight, which only overlap AWS's latency. The members' roots are a fixed mix:
70 % clean, 15 % a password, 10 % access keys, 5 % only an MFA device. Two runs: the first complete pass
(one summary) and a run where nothing changed.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "handler", ROOT / "tests" / "events", ROOT / "bench"):
    sys.path.insert(0, str(path))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from posture_fixtures import CLEAN, REGION, TABLE, Root, StubbedAws, create_organization, create_table  # noqa: E402
from record import record_flag, recorded  # noqa: E402

from handler import publisher  # noqa: E402
from handler.posture_audit import run  # noqa: E402
from handler.posture_clients import Clients  # noqa: E402
from handler.sns_request import PublishRequest  # noqa: E402

FIRST = "2026-12-01T03:00:00Z"
NEXT = "2026-12-02T03:00:00Z"


def mix(index: int) -> Root:
    """The n-th member's root: 70 % clean, 15 % password, 10 % access key, 5 % MFA device only."""
    slot = index % 20
    if slot < 14:
        return CLEAN
    if slot < 17:
        return Root(password=True, mfa_devices=1)
    if slot < 19:
        return Root(active_keys=1)
    return Root(mfa_devices=1)


class Counted:
    """Counts every API call the run's clients make, by service:operation."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def watch(self, client: Any) -> Any:
        client.meta.events.register("before-parameter-build", self._count)
        return client

    def _count(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        self.calls[f"{service}:{operation}"] += 1

    def clients(self, stubbed: StubbedAws) -> Clients:
        made = stubbed.clients()
        for client in (made.iam, made.organizations, made.sts, made.dynamodb):
            self.watch(client)
        return Clients(
            iam=made.iam,
            organizations=made.organizations,
            sts=made.sts,
            dynamodb=made.dynamodb,
            iam_for=lambda credentials: self.watch(stubbed.iam_for(credentials)),
        )


def measure(accounts: int) -> list[dict[str, Any]]:
    """The two runs' figures: calls by service, notifications, CPU seconds."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)
    rows = []
    with mock_aws():
        create_table()
        topic = boto3.client("sns", region_name=REGION).create_topic(Name="bench")["TopicArn"]
        ids = create_organization([f"member-{n:04d}" for n in range(accounts)])
        roots = {account: mix(n) for n, account in enumerate(ids.values())}
        for label, now in (("first run", FIRST), ("no-change run", NEXT)):
            counted = Counted()
            published: list[PublishRequest] = []

            def publish(request: PublishRequest, sink: list[PublishRequest] = published) -> str:
                sink.append(request)
                return publisher.publish(request)

            clients = counted.clients(StubbedAws(roots=roots))
            started = time.process_time()
            run(clients, table=TABLE, topic_arn=topic, now=now, publish=publish, workers=1)
            cpu = time.process_time() - started
            rows.append({"run": label, "calls": counted.calls, "notifications": len(published), "cpu": cpu})
    return rows


def main() -> None:
    record, arguments = record_flag(sys.argv[1:])
    accounts = int(arguments[0]) if arguments else 1000
    with recorded("posture_audit", record=record, page=ROOT / "docs" / "posture.md"):
        for line in report(accounts, measure(accounts)):
            print(line)


def expected_calls(accounts: int) -> list[tuple[int, int, int, int, int]]:
    """(AssumeRoot, IAM reads, DynamoDB, Organizations + features, notifications) per run, as a formula that
    tests/test_posture_bench.py checks against a measured run: five calls and one row per account; the
    first run reads the audit's state row, scans, writes each row and the state; the next one leaves the
    state as it is; both read the features, describe the organization and page through ListAccounts (moto
    pages by 100; AWS by 20, which adds a page per 20 accounts)."""
    pages = -(-(accounts + 1) // 100)  # the management account is listed too
    organization = 2 + pages
    return [
        (accounts, 4 * accounts, accounts + 3, organization, 1),
        (accounts, 4 * accounts, accounts + 2, organization, 0),
    ]


def columns(row: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """A measured run's (AssumeRoot, IAM reads, DynamoDB, Organizations + features, notifications)."""
    calls: Counter[str] = row["calls"]
    assume = calls["sts:AssumeRoot"]
    reads = sum(n for name, n in calls.items() if name.startswith("iam:") and "Organizations" not in name)
    dynamodb = sum(n for name, n in calls.items() if name.startswith("dynamodb:"))
    organization = sum(calls.values()) - assume - reads - dynamodb
    return assume, reads, dynamodb, organization, row["notifications"]


def report(accounts: int, rows: list[dict[str, Any]]) -> list[str]:
    """The printed table: per run, calls by kind, notifications and CPU."""
    lines = [
        f"posture audit, {accounts:,} member accounts (moto + Stubber, no network)",
        f"{'run':<14}{'calls':>7}{'AssumeRoot':>11}{'IAM reads':>10}{'DynamoDB':>9}{'Orgs+IAM':>9}"
        f"{'notifications':>14}{'CPU s':>7}",
    ]
    for row in rows:
        assume, reads, dynamodb, organization, notifications = columns(row)
        total = assume + reads + dynamodb + organization
        lines.append(
            f"{row['run']:<14}{total:>7,}{assume:>11,}{reads:>10,}{dynamodb:>9,}{organization:>9,}"
            f"{notifications:>14}{row['cpu']:>7.1f}"
        )
    return lines


if __name__ == "__main__":
    main()
