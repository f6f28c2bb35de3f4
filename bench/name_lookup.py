"""What naming an account from AWS Organizations adds to one notifier batch: cold, cached in the table, warm.

Run: uv run python bench/name_lookup.py [--record]. With --record it keeps what it printed in
bench/results/name_lookup.txt (bench/record.py), which docs/organization.md quotes (a test keeps them equal).

One root sign-in per batch, through the notifier's entry point (`app.lambda_handler`) with its environment
as the hub deploys it: ORGANIZATIONS_LOOKUP on, ORGANIZATIONS_ROLE_ARN (the org stack's reader role), the
heartbeat table as the name cache, the bounded clients (`organizations.LOOKUP_CLIENT_CONFIG`) and the
per-invocation budget. AWS is moto, in this process: the figures are the notifier's, botocore's and moto's
work per lookup, not AWS's network latency, which the timeouts bound (printed below). Each state is timed
over whole batches (wall and CPU time, median of REPEATS), with a fresh event per batch:
- cold container: no assumed-role credentials, the account in no cache (AssumeRole, GetItem, DescribeAccount,
  UpdateItem);
- warm container, new account: credentials kept, the account in no cache (GetItem, DescribeAccount,
  UpdateItem);
- table: a new container, the name cached in the table by an earlier one (GetItem only);
- warm: the container named the account before (no call).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The repository root (the notifier is the package `handler`, as in the zip) and the event fixtures.
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "events"), str(ROOT / "tests" / "handler")]
for variable, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[variable] = value  # nothing may reach a real account

import boto3  # noqa: E402
from heartbeat_fixtures import TABLE, create_table  # noqa: E402
from load import load_event, sqs_batch  # noqa: E402
from moto import mock_aws  # noqa: E402
from record import recorded  # noqa: E402

from handler import accounts, app, organizations  # noqa: E402

REPEATS = 15
FIXTURE_ACCOUNT = "222222222222"


def root_sign_in(account: str, run: int) -> dict[str, Any]:
    """The published root sign-in fixture in `account`, with an eventID of its own."""
    event = json.loads(json.dumps(load_event("root_console_signin_no_mfa")).replace(FIXTURE_ACCOUNT, account))
    event["detail"]["eventID"] = f"name-lookup-{run:04d}"
    return dict(event)


def new_container() -> None:
    """What a cold Lambda container starts with: no names in memory, no assumed-role credentials."""
    accounts.OrganizationNames.forget()
    organizations.forget_credentials()


def forget_table_cache(account: str) -> None:
    boto3.client("dynamodb").delete_item(TableName=TABLE, Key=accounts.name_key(account))


def medians_ms(prepare: Callable[[], None], account: str, first_run: int) -> tuple[float, float, str]:
    """Median wall and CPU time of one batch after `prepare`, and the name its last lookup kept."""
    walls: list[float] = []
    cpus: list[float] = []
    for run in range(first_run, first_run + REPEATS):
        prepare()
        batch = sqs_batch(root_sign_in(account, run))
        wall, cpu = time.perf_counter(), time.process_time()
        answer = app.lambda_handler(batch, None)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert answer == {"batchItemFailures": []}, answer
    shown = str(accounts.OrganizationNames._memory.get(account, (0.0, None))[1])
    return statistics.median(walls), statistics.median(cpus), shown


def main() -> None:
    with mock_aws():
        organizations_client = boto3.client("organizations")
        organizations_client.create_organization(FeatureSet="ALL")
        created = organizations_client.create_account(AccountName="Payments", Email="payments@example.com")
        account = str(created["CreateAccountStatus"]["AccountId"])
        topic = boto3.client("sns").create_topic(Name="root-activity")["TopicArn"]
        create_table()
        reader = boto3.client("iam").create_role(
            RoleName="organizations-reader", AssumeRolePolicyDocument="{}"
        )
        os.environ.update(
            {
                "TOPIC_ARN": topic,
                "HEARTBEAT_TABLE": TABLE,
                "ORGANIZATIONS_LOOKUP": "on",
                "ORGANIZATIONS_ROLE_ARN": reader["Role"]["Arn"],
            }
        )
        new_container()
        app.lambda_handler(sqs_batch(root_sign_in(account, 0)), None)  # imports, clients, moto's first calls

        def cold() -> None:
            new_container()
            forget_table_cache(account)

        def new_account() -> None:
            accounts.OrganizationNames.forget()
            forget_table_cache(account)

        states = {
            "cold container (AssumeRole, GetItem, DescribeAccount, UpdateItem)": medians_ms(
                cold, account, 1_000
            ),
            "warm container, new account (GetItem, DescribeAccount, UpdateItem)": medians_ms(
                new_account, account, 2_000
            ),
            "name cached in the table, new container (GetItem)": medians_ms(new_container, account, 3_000),
            "warm (the container's memory; no call)": medians_ms(lambda: None, account, 4_000),
        }
    assert {name for _, _, name in states.values()} == {"Payments"}, states
    warm_wall, warm_cpu, _ = states["warm (the container's memory; no call)"]
    config = organizations.LOOKUP_CLIENT_CONFIG
    print(f"one notifier batch (one root sign-in), median of {REPEATS}; AWS is moto, in this process:")
    for label, (wall, cpu, _) in states.items():
        print(
            f"  {label}: {wall:.1f} ms wall, {cpu:.1f} ms CPU; "
            f"added to warm: {wall - warm_wall:.1f} ms wall, {cpu - warm_cpu:.1f} ms CPU"
        )
    print("  every state named the account 'Payments'")
    print(
        f"  bound in AWS: {config.connect_timeout} s to connect, {config.read_timeout} s to read, "
        f"{config.retries['total_max_attempts']} attempt per call, {accounts.LOOKUP_BUDGET_SECONDS} s of "
        "lookups per invocation; then the notification goes out under the account ID"
    )


if __name__ == "__main__":
    with recorded("name_lookup", record="--record" in sys.argv[1:], page=ROOT / "docs" / "organization.md"):
        main()
