"""Monthly list-price cost of the monitor's self-monitoring at 1, 100 and 1,000 accounts x 17 regions.

Run: uv run python bench/self_monitoring_cost.py [--record] [heartbeat-interval-minutes]
`--record` keeps the output in bench/results/self_monitoring_cost.txt and writes it into docs/operations.md's
quoted block (bench/record.py).

Counted from what is deployed, not from a hand-kept list: the hub and spoke example stacks are recorded
with all 17 regions (`simulate.record_stacks`) and the StackSet template is rendered; resources are counted
by type. An organization of N accounts is the hub (covering its own account) and N - 1 members, each covered
by a spoke stack or by the StackSet's instances (per (account, region), the template's billable resources
must equal the spoke's: the script refuses to print otherwise). Event volumes scale from the heartbeat
schedules found in the graphs and their interval. The notifications themselves are left out.

Prices: US East (N. Virginia), read 2026-12-04 from the pages in PRICES; upper bounds where the bill depends
on timing (every forwarded heartbeat billed as a cross-account event; one notifier invocation and three SQS
requests per heartbeat, although the batching window folds many into one). Free tiers are left out except
Scheduler's (14 million invocations a month in every account, which 17 x 730 heartbeats never reach).
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from example_stacks import REGIONS, write_example
from record import ROOT, record_flag, recorded
from root_activity_monitor import heartbeat
from root_activity_monitor.simulate import RecordedStack, record_stacks
from root_activity_monitor.spoke.template import spoke_template

HOURS_PER_MONTH = 730
ACCOUNTS = (1, 100, 1000)


@dataclass(frozen=True)
class Price:
    dollars: float
    unit: str
    source: str


PRICES = {
    "alarm": Price(0.10, "standard-resolution alarm metric, month", "https://aws.amazon.com/cloudwatch/pricing/"),
    # $1 a month for the key and $1 for each of its first two yearly rotations (later ones add nothing).
    "key": Price(3.00, "rotating customer-managed KMS key, month, after two rotations", "https://aws.amazon.com/kms/pricing/"),
    "topic": Price(0.00, "SNS standard topic, month (requests billed per million)", "https://aws.amazon.com/sns/pricing/"),
    "event": Price(1.00, "million events delivered to a bus in another account", "https://aws.amazon.com/eventbridge/pricing/"),
    "scheduler": Price(1.00, "million Scheduler invocations after 14 million free per account", "https://aws.amazon.com/eventbridge/pricing/"),
    "write": Price(0.625, "million DynamoDB on-demand write request units", "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
    "read": Price(0.125, "million DynamoDB on-demand read request units", "https://aws.amazon.com/dynamodb/pricing/on-demand/"),
    "sqs": Price(0.40, "million SQS standard requests", "https://aws.amazon.com/sqs/pricing/"),
    "invocation": Price(0.20, "million Lambda requests", "https://aws.amazon.com/lambda/pricing/"),
    "gb_second": Price(0.0000133334, "Lambda GB-second on Arm", "https://aws.amazon.com/lambda/pricing/"),
}  # fmt: skip
SCHEDULER_FREE_PER_ACCOUNT = 14_000_000
SQS_REQUESTS_PER_HEARTBEAT = 3  # send, receive, delete, unbatched
NOTIFIER_GB_SECONDS = 0.25 * 0.1  # 256 MB for 100 ms per invocation
WATCHDOG_GB_SECONDS = 0.25 * 2.0  # 256 MB for 2 s: one scan of every pair
ITEM_BYTES = 150
SCAN_UNIT_BYTES = 4096

ALARM = ("aws:cloudwatch/metricAlarm:MetricAlarm", "AWS::CloudWatch::Alarm")
KEY = ("aws:kms/key:Key", "AWS::KMS::Key")
TOPIC = ("aws:sns/topic:Topic", "AWS::SNS::Topic")
SCHEDULE = ("aws:scheduler/schedule:Schedule", "AWS::Scheduler::Schedule")
BILLABLE = {"alarms": ALARM, "keys": KEY, "topics": TOPIC, "heartbeat schedules": SCHEDULE}
BEFORE_ALARMS_PER_PAIR = 7
"""Alarms per (account, region) in the spoke graph before the heartbeat travelled the root-activity rule (35
for five regions: the DLQ and two per rule for the root-activity, tamper and heartbeat rules), each
publishing to an unencrypted per-region topic nobody was subscribed to."""
BEFORE_HUB_REGION_ALARMS = 11


@dataclass(frozen=True)
class Graphs:
    hub: Counter[str]
    spoke: Counter[str]
    template: Counter[str]
    interval_minutes: int
    hub_region_alarms: int


def _counted(recorded: RecordedStack) -> Counter[str]:
    """Resources by type; a schedule counts only when it is a heartbeat (the watchdog's runs are counted
    apart)."""
    return Counter(
        r.type
        for r in recorded.resources
        if r.type != SCHEDULE[0] or r.inputs["target"]["arn"] == heartbeat.TARGET_ARN
    )


def record() -> Graphs:
    """The example hub and spoke recorded over 17 regions, and the StackSet template, counted by type."""
    with tempfile.TemporaryDirectory() as directory:
        hub_file = write_example("Pulumi.hub.yaml", Path(directory), regions=REGIONS)
        spoke_file = write_example("Pulumi.spoke.yaml", Path(directory), regions=REGIONS)
        hub, spoke = record_stacks(hub_file, [spoke_file])
    schedule = spoke.recorded.of_type(SCHEDULE[0])[0]
    interval = int(str(schedule.inputs["scheduleExpression"]).removeprefix("rate(").split()[0])
    return Graphs(
        hub=_counted(hub.recorded),
        spoke=_counted(spoke.recorded),
        template=Counter(resource["Type"] for resource in spoke_template()["Resources"].values()),
        interval_minutes=interval,
        hub_region_alarms=sum(1 for r in hub.recorded.of_type(ALARM[0]) if "region" not in r.inputs),
    )


def per_pair(graphs: Graphs) -> dict[str, tuple[float, float, float]]:
    """Billable resources per covered (account, region): in a spoke stack, in a StackSet instance, and in the
    hub's own account outside what its pipeline has once."""
    regions = len(REGIONS)
    return {
        what: (
            graphs.spoke[pulumi] / regions,
            float(graphs.template[cloudformation]),
            (graphs.hub[pulumi] - (graphs.hub_region_alarms if what == "alarms" else 0)) / regions
            if what in ("alarms", "heartbeat schedules")
            else 0.0,
        )
        for what, (pulumi, cloudformation) in BILLABLE.items()
    }


def monthly(graphs: Graphs, accounts: int, interval_minutes: int) -> dict[str, float]:
    """Dollars a month by line, for `accounts` accounts (the hub and accounts - 1 members) x 17 regions."""
    runs = HOURS_PER_MONTH * 60 / interval_minutes
    members = accounts - 1
    beats = (graphs.hub[SCHEDULE[0]] + members * graphs.spoke[SCHEDULE[0]]) * runs
    watchdog_runs = runs
    pairs = accounts * len(REGIONS)
    per_account_calls = len(REGIONS) * runs
    scan_units = max(1.0, pairs * ITEM_BYTES / SCAN_UNIT_BYTES / 2)  # eventually consistent: half a unit
    alarms = graphs.hub[ALARM[0]] + members * graphs.spoke[ALARM[0]]
    keys = graphs.hub[KEY[0]] + members * graphs.spoke[KEY[0]]
    million = 1e6
    return {
        "alarms": alarms * PRICES["alarm"].dollars,
        "keys": keys * PRICES["key"].dollars,
        "scheduler": accounts
        * max(0.0, per_account_calls - SCHEDULER_FREE_PER_ACCOUNT)
        / million
        * PRICES["scheduler"].dollars,
        "eventbridge": beats / million * PRICES["event"].dollars,
        "dynamodb": beats / million * PRICES["write"].dollars
        + watchdog_runs * scan_units / million * PRICES["read"].dollars,
        "sqs": beats * SQS_REQUESTS_PER_HEARTBEAT / million * PRICES["sqs"].dollars,
        "lambda": (beats + watchdog_runs) / million * PRICES["invocation"].dollars
        + (beats * NOTIFIER_GB_SECONDS + watchdog_runs * WATCHDOG_GB_SECONDS) * PRICES["gb_second"].dollars,
    }


def report(interval_minutes: int | None = None) -> str:
    """The figures docs/operations.md quotes."""
    graphs = record()
    interval = interval_minutes or graphs.interval_minutes
    lines = [
        f"Self-monitoring, {len(REGIONS)} regions per account, heartbeat every {interval} min; US$ a month"
    ]
    lines.append("")
    lines.append(
        "Billable resources per (account, region):   spoke stack  StackSet instance  hub's own account"
    )
    pairs = per_pair(graphs)
    for what, (spoke, template, hub_own) in pairs.items():
        lines.append(f"  {what:<41}{spoke:>11g}{template:>19g}{hub_own:>19g}")
    if any(spoke != template for spoke, template, _ in pairs.values()):
        message = "the StackSet template and the spoke stack deploy different billable resources per region"
        raise SystemExit(message)
    lines.append(
        f"  plus, once, in the hub region: {graphs.hub_region_alarms} alarms, {graphs.hub[KEY[0]]} KMS key, "
        f"{graphs.hub[TOPIC[0]]} topic, the heartbeat table and the watchdog's schedule"
    )
    lines.append(
        f"Before: {BEFORE_ALARMS_PER_PAIR} alarms and 1 unencrypted health topic per (account, region), "
        f"{BEFORE_HUB_REGION_ALARMS} alarms in the hub region."
    )
    lines.append("")
    costs = {accounts: monthly(graphs, accounts, interval) for accounts in ACCOUNTS}
    columns = list(costs[ACCOUNTS[0]])
    lines.append(
        f"{'accounts':>8}  " + "  ".join(f"{c:>11}" for c in columns) + f"  {'total':>9}  {'before':>9}"
    )
    for accounts, cost in costs.items():
        before = (
            cost["alarms"]
            + (
                BEFORE_HUB_REGION_ALARMS
                + accounts * len(REGIONS) * BEFORE_ALARMS_PER_PAIR
                - graphs.hub[ALARM[0]]
                - (accounts - 1) * graphs.spoke[ALARM[0]]
            )
            * PRICES["alarm"].dollars
        )
        before_total = sum(cost.values()) + before - cost["alarms"]
        row = "  ".join(f"{value:>11,.2f}" for value in cost.values())
        lines.append(f"{accounts:>8,}  {row}  {sum(cost.values()):>9,.2f}  {before_total:>9,.2f}")
    lines.append("")
    lines.append("Prices (US East (N. Virginia), read 2026-12-04):")
    for price in PRICES.values():
        lines.append(
            f"  ${price.dollars:.10f}".rstrip("0").rstrip(".") + f" per {price.unit}: {price.source}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    record, arguments = record_flag(sys.argv[1:])
    interval = int(arguments[0]) if arguments else None
    with recorded("self_monitoring_cost", record=record, page=ROOT / "docs" / "operations.md"):
        print(report(interval), end="")


if __name__ == "__main__":
    main()
