"""Wall time of `simulate` for 1 hub + 3 spokes covering 17 regions, and program evaluation per stack.

Run: uv run python bench/simulate.py [--record]. `--record` keeps the output in bench/results/simulate.txt,
which docs/simulate.md quotes (bench/record.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from example_stacks import REGIONS, write_example
from record import recorded
from root_activity_monitor.program import main as program
from root_activity_monitor.simulate import simulate
from root_activity_monitor.simulate.stacks import (
    hub_account_for,
    load_stack_file,
    record_stack,
    spoke_accounts,
)

SPOKES = 3
RUNS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="keep the output in bench/results/")
    with recorded("simulate", record=parser.parse_args().record):
        measure()


def measure() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        accounts = ["222222222222", "333333333333", "444444444444"]
        hub = write_example("Pulumi.hub.yaml", directory, regions=REGIONS, spokeAccountIds=accounts)
        spoke = write_example("Pulumi.spoke.yaml", directory, regions=REGIONS)
        spokes = [spoke] * SPOKES

        hub_file, spoke_file = load_stack_file(hub), load_stack_file(spoke)
        for label, file, account in (
            ("hub", hub_file, hub_account_for([spoke_file])),
            ("spoke", spoke_file, spoke_accounts(1, "111111111111")[0]),
        ):
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                recorded = record_stack(program, file, role=label, account_id=account)
                times.append(time.perf_counter() - start)
            print(
                f"program evaluation under mocks, {label} stack ({len(REGIONS)} regions, "
                f"{len(recorded.recorded.resources)} resources): median {statistics.median(times):.2f} s "
                f"of {RUNS}"
            )

        walls = []
        for _ in range(RUNS):
            start = time.perf_counter()
            report = simulate(hub, spokes)
            walls.append(time.perf_counter() - start)
        covered = sum(row.covered for row in report.coverage)
        median = statistics.median(walls)
        print(
            f"simulate, 1 hub + {SPOKES} spokes x {len(REGIONS)} regions: median {median:.2f} s of {RUNS} "
            f"(min {min(walls):.2f}, max {max(walls):.2f}); {len(report.driven)} events driven, "
            f"{len(report.notifications)} notifications, {covered}/{len(report.coverage)} covered"
        )


if __name__ == "__main__":
    main()
