"""Org mode: program evaluation of an org stack covering 17 regions, and `simulate --org` with 10 members.

Run: uv run python bench/simulate_org.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from example_stacks import REGIONS, write_example
from root_activity_monitor.program import main as program
from root_activity_monitor.simulate import simulate
from root_activity_monitor.simulate.organization import MANAGEMENT_ACCOUNT
from root_activity_monitor.simulate.stacks import load_stack_file, record_stack

MEMBERS = 10
RUNS = 3


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        org = write_example("Pulumi.org.yaml", directory, regions=REGIONS)
        hub = write_example("Pulumi.hub.yaml", directory, regions=REGIONS)

        org_file = load_stack_file(org)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            recorded = record_stack(program, org_file, role="org", account_id=MANAGEMENT_ACCOUNT)
            times.append(time.perf_counter() - start)
        print(
            f"program evaluation under mocks, org stack ({len(REGIONS)} regions, "
            f"{len(recorded.recorded.resources)} resources): median {statistics.median(times):.2f} s of "
            f"{RUNS} (min {min(times):.2f}, max {max(times):.2f})"
        )

        start = time.perf_counter()
        report = simulate(hub, [], org_path=org, members=MEMBERS)
        wall = time.perf_counter() - start
        accounts = {row.account for row in report.coverage}
        regions = {row.region for row in report.coverage}
        covered = sum(row.covered for row in report.coverage)
        print(
            f"simulate --org, {MEMBERS} members + late joiner + management + hub = {len(accounts)} accounts "
            f"x {len(regions)} regions: {wall:.2f} s wall; {len(report.stack_instances)} stack instances, "
            f"{len(report.driven)} events driven, {len(report.notifications)} notifications, "
            f"{covered}/{len(report.coverage)} account/region pairs covered"
        )


if __name__ == "__main__":
    main()
