"""Monthly list-price cost of the heartbeat for 1, 100 and 1,000 accounts x 17 regions (docs/operations.md).

Run: uv run python bench/heartbeat_cost.py [interval-minutes]

US East (N. Virginia) list prices, read 2026-11-27 (see docs/operations.md for the pages). Upper bounds where
the real figure depends on timing: every forwarded heartbeat is billed as a cross-account event (the hub's own
are same-account), and the notifier is counted once per heartbeat although its batching window folds many.
"""

from __future__ import annotations

import sys

HOURS_PER_MONTH = 730
REGIONS = 17
SCHEDULER_PER_MILLION = 1.00
SCHEDULER_FREE_PER_ACCOUNT = 14_000_000  # invocations a month, per account
EVENTBRIDGE_CROSS_ACCOUNT_PER_MILLION = 1.00
DYNAMODB_WRITE_PER_MILLION = 0.625  # on-demand write request units
DYNAMODB_READ_PER_MILLION = 0.125  # on-demand read request units
SQS_PER_MILLION = 0.40
SQS_REQUESTS_PER_MESSAGE = 3  # send, receive, delete, none batched (upper bound)
LAMBDA_REQUEST_PER_MILLION = 0.20
LAMBDA_ARM_GB_SECOND = 0.0000133334
NOTIFIER_GB_SECONDS = 0.25 * 0.1  # 256 MB for 100 ms per invocation
ITEM_BYTES = 150
SCAN_UNIT_BYTES = 4096
WATCHDOG_GB_SECONDS = 0.25 * 2.0  # 256 MB for 2 s: one scan of every pair


def monthly(accounts: int, interval_minutes: int) -> dict[str, float]:
    """Dollars a month per component, before free tiers except Scheduler's (each account has its own)."""
    runs = HOURS_PER_MONTH * 60 / interval_minutes
    pairs = accounts * REGIONS
    beats = pairs * runs
    per_account = REGIONS * runs
    scheduler = accounts * max(0.0, per_account - SCHEDULER_FREE_PER_ACCOUNT) / 1e6 * SCHEDULER_PER_MILLION
    scan_units = max(1.0, pairs * ITEM_BYTES / SCAN_UNIT_BYTES / 2)  # eventually consistent: half a unit
    return {
        "scheduler": scheduler,
        "eventbridge": beats / 1e6 * EVENTBRIDGE_CROSS_ACCOUNT_PER_MILLION,
        "dynamodb": beats / 1e6 * DYNAMODB_WRITE_PER_MILLION
        + runs * scan_units / 1e6 * DYNAMODB_READ_PER_MILLION,
        "sqs": beats * SQS_REQUESTS_PER_MESSAGE / 1e6 * SQS_PER_MILLION,
        "lambda": (beats + runs) / 1e6 * LAMBDA_REQUEST_PER_MILLION
        + (beats * NOTIFIER_GB_SECONDS + runs * WATCHDOG_GB_SECONDS) * LAMBDA_ARM_GB_SECOND,
    }


def main() -> None:
    interval = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    print(
        f"heartbeat every {interval} min, {REGIONS} regions; US$ per month, before free tiers but Scheduler's"
    )
    print(
        f"{'accounts':>8}  {'beats':>12}  " + "  ".join(f"{k:>11}" for k in monthly(1, interval)) + "  total"
    )
    for accounts in (1, 100, 1000):
        cost = monthly(accounts, interval)
        beats = accounts * REGIONS * HOURS_PER_MONTH * 60 / interval
        row = "  ".join(f"{value:>11.2f}" for value in cost.values())
        print(f"{accounts:>8}  {beats:>12,.0f}  {row}  {sum(cost.values()):.2f}")


if __name__ == "__main__":
    main()
