"""`simulate --org` at growing sizes: CPU time, wall time and peak memory, each size in a process of its own.

Run: uv run python bench/simulate_org.py [--record] [MEMBERSxREGIONS ...]
(default: 10x3 100x3 1000x3 10x17 100x17 1000x17). Sizes run in the order given; a size whose CPU time the
sizes measured before it project (linearly in member account x region pairs) above MAX_CPU_SECONDS is not
run: its projection is printed instead, marked as such.

Prints one line per size, the goals (100 members x 17 regions within 120 s, CPU ratio 100 / 10 members at
most 12) and the machine's load average before and after; with --record it keeps what it printed in
bench/results/simulate_org.txt and writes it into docs/organization.md's quoted block (bench/record.py; a
test keeps the two equal). CPU time is the figure to compare on a shared machine: wall time grows with other
processes' load.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from example_stacks import REGIONS, write_example
from record import ROOT, recorded

DEFAULT_SIZES = ("10x3", "100x3", "1000x3", "10x17", "100x17", "1000x17")
MAX_CPU_SECONDS = 20 * 60
GOAL_SECONDS = 120.0  # 100 members x 17 regions
GOAL_RATIO = 12.0  # CPU of 100 members / CPU of 10 members


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
        f"{figures['covered']}/{figures['pairs']} covered, {figures['problems']} problems; "
        f"{figures['cpu'] / figures['pairs'] * 1000:.0f} ms CPU per pair"
    )


def projected(
    cpu: dict[tuple[int, int], float], pairs: dict[tuple[int, int], int], wanted: int
) -> float | None:
    """CPU seconds for `wanted` pairs from a least-squares line through the measured sizes (None: too few)."""
    if len(cpu) < 2:
        return None
    xs = [pairs[size] for size in cpu]
    ys = list(cpu.values())
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y + slope * (wanted - mean_x)


def expected_pairs(members: int, regions: int) -> int:
    """Covered pairs of a run: the members, the late joiner, the hub and the management account."""
    return (members + 3) * regions


def goals(cpu: dict[tuple[int, int], float], wall: dict[tuple[int, int], float]) -> None:
    if (100, 17) in cpu:
        for what, seconds in (("CPU", cpu[(100, 17)]), ("wall", wall[(100, 17)])):
            verdict = "met" if seconds <= GOAL_SECONDS else "NOT met"
            print(
                f"goal 100 members x 17 regions <= {GOAL_SECONDS:.0f} s, {what}: {verdict} ({seconds:.1f} s)"
            )
    for regions in sorted({regions for _, regions in cpu}):
        if (10, regions) in cpu and (100, regions) in cpu:
            ratio = cpu[(100, regions)] / cpu[(10, regions)]
            verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
            print(
                f"CPU ratio 100 / 10 members at {regions} regions: {ratio:.2f} "
                f"(goal <= {GOAL_RATIO:.0f}: {verdict})"
            )


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--one"]:
        members, regions = (int(part) for part in arguments[1].split("x"))
        print(json.dumps(measure(members, regions)))
        return
    record = "--record" in arguments
    sizes = [argument for argument in arguments if argument != "--record"] or list(DEFAULT_SIZES)
    with recorded("simulate_org", record=record, page=ROOT / "docs" / "organization.md"):
        print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
        cpu: dict[tuple[int, int], float] = {}
        wall: dict[tuple[int, int], float] = {}
        pairs: dict[tuple[int, int], int] = {}
        for size in sizes:
            members, regions = (int(part) for part in size.split("x"))
            guess = projected(cpu, pairs, expected_pairs(members, regions))
            if guess is not None and guess > MAX_CPU_SECONDS:
                per_pair = guess / expected_pairs(members, regions) * 1000
                print(
                    f"simulate --org, {members} members x {regions} regions: not run: projected "
                    f"{guess:.0f} s CPU ({per_pair:.0f} ms per pair, fitted to the sizes above), "
                    f"over {MAX_CPU_SECONDS} s",
                    flush=True,
                )
                continue
            answer = subprocess.run(
                [sys.executable, __file__, "--one", size], check=False, capture_output=True, text=True
            )
            if answer.returncode != 0:
                print(
                    f"simulate --org, {size}: failed: {answer.stderr.strip().splitlines()[-1:]}", flush=True
                )
                raise SystemExit(1)
            figures = json.loads(answer.stdout.strip().splitlines()[-1])
            cpu[(members, regions)] = float(figures["cpu"])
            wall[(members, regions)] = float(figures["wall"])
            pairs[(members, regions)] = int(figures["pairs"])
            print(line(figures), flush=True)
        goals(cpu, wall)
        print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
