"""Wall and CPU time of `simulate` for 1 hub + 3 spokes covering 17 regions, and program evaluation per stack.

Run: uv run python bench/simulate.py [--record]. `--record` keeps what it prints in bench/results/simulate.txt
and writes it into docs/simulate.md's quoted block (bench/record.py; tests/test_bench_figures.py keeps the two
equal).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from example_stacks import REGIONS, write_example
from record import ROOT, record_flag, recorded
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
DOC = ROOT / "docs" / "simulate.md"


def say(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    say(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")

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
            say(
                f"program evaluation under mocks, {label} stack ({len(REGIONS)} regions, "
                f"{len(recorded.recorded.resources)} resources): median {statistics.median(times):.2f} s "
                f"of {RUNS}"
            )

        walls, cpus = [], []
        for _ in range(RUNS):
            start, cpu = time.perf_counter(), time.process_time()
            report = simulate(hub, spokes)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        covered = sum(row.covered for row in report.coverage)
        median = statistics.median(walls)
        say(
            f"simulate, 1 hub + {SPOKES} spokes x {len(REGIONS)} regions: median {median:.2f} s of {RUNS} "
            f"(min {min(walls):.2f}, max {max(walls):.2f}), median {statistics.median(cpus):.2f} s CPU; "
            f"{len(report.driven)} events driven, {len(report.notifications)} notifications, "
            f"{covered}/{len(report.coverage)} covered"
        )
    say(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    with recorded("simulate", record=record_flag(sys.argv[1:])[0], page=DOC):
        main()
