"""`simulate --org` at growing sizes: CPU time, wall time and peak memory, each size in a process of its own.

Run: uv run python bench/simulate_org.py [--record] [MEMBERSxREGIONS ...]   (default: 10x3 100x3 10x17 100x17)
e.g. uv run python bench/simulate_org.py 1000x3 1000x17 for the largest sizes (minutes each).

Prints one line per size and the machine's load average before and after; `--record` keeps them in
bench/results/simulate_org.txt and writes it into docs/organization.md's quoted block (bench/record.py; a test
keeps the two equal). CPU time is
the figure to compare on a shared machine: wall time grows with other processes' load.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from example_stacks import REGIONS, write_example
from record import ROOT, record_flag, recorded

DEFAULT_SIZES = ("10x3", "100x3", "10x17", "100x17")
DOC = ROOT / "docs" / "organization.md"


def measure(members: int, regions: int) -> dict[str, float | int]:
    """One `simulate --org` run in this process (fresh: the caller starts one process per size)."""
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)  # the notifier's and moto's log lines are not the figure
    from root_activity_monitor.simulate import simulate  # noqa: PLC0415 - imports moto: timed as part of the run

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        org = write_example("Pulumi.org.yaml", directory, regions=REGIONS[:regions])
        hub = write_example("Pulumi.hub.yaml", directory, regions=REGIONS[:regions])
        wall, cpu = time.perf_counter(), time.process_time()
        report = simulate(hub, [], org_path=org, members=members)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "members": members,
        "regions": regions,
        "cpu": cpu,
        "wall": wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "instances": len(report.stack_instances),
        "events": len(report.driven),
        "covered": sum(row.covered for row in report.coverage),
        "pairs": len(report.coverage),
        "problems": len(report.problems),
    }


def line(figures: dict[str, float | int]) -> str:
    return (
        f"simulate --org, {figures['members']} members x {figures['regions']} regions: "
        f"{figures['cpu']:.1f} s CPU, {figures['wall']:.1f} s wall, peak {figures['peak_mb']:.0f} MB; "
        f"{figures['instances']} stack instances, {figures['events']} events, "
        f"{figures['covered']}/{figures['pairs']} covered, {figures['problems']} problems"
    )


def main(sizes: list[str]) -> None:
    if sizes[:1] == ["--one"]:
        members, regions = (int(part) for part in sizes[1].split("x"))
        print(json.dumps(measure(members, regions)))
        return
    record, sizes = record_flag(sizes)
    with recorded("simulate_org", record=record, page=DOC):
        measure_sizes(sizes or list(DEFAULT_SIZES))


def measure_sizes(sizes: list[str]) -> None:
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    cpu: dict[str, float] = {}
    for size in sizes:
        answer = subprocess.run(
            [sys.executable, __file__, "--one", size], check=False, capture_output=True, text=True
        )
        if answer.returncode != 0:
            print(f"simulate --org, {size}: failed: {answer.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        figures = json.loads(answer.stdout.strip().splitlines()[-1])
        cpu[size] = float(figures["cpu"])
        print(line(figures), flush=True)
    for regions in sorted({size.split("x")[1] for size in cpu}, key=int):
        if f"10x{regions}" in cpu and f"100x{regions}" in cpu:
            ratio = cpu[f"100x{regions}"] / cpu[f"10x{regions}"]
            print(f"CPU ratio 100 / 10 members at {regions} regions: {ratio:.2f}")
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
