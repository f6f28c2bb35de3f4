"""Wall time of `simulate` for 1 hub + 3 spokes covering 17 regions, and program evaluation per stack.

Run: uv run python bench/simulate.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml
from root_activity_monitor.program import main as program
from root_activity_monitor.simulate import simulate
from root_activity_monitor.simulate.stacks import (
    hub_account_for,
    load_stack_file,
    record_stack,
    spoke_accounts,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
    "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "sa-east-1",
]  # fmt: skip
SPOKES = 3
RUNS = 3


def _write(example: str, directory: Path, **changes: object) -> Path:
    document = yaml.safe_load((REPO_ROOT / example).read_text())
    for key, value in changes.items():
        document["config"][f"root-activity-monitor:{key}"] = value
    path = directory / example
    path.write_text(yaml.safe_dump(document))
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        accounts = ["222222222222", "333333333333", "444444444444"]
        hub = _write("Pulumi.hub.yaml", directory, regions=REGIONS, spokeAccountIds=accounts)
        spoke = _write("Pulumi.spoke.yaml", directory, regions=REGIONS)
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
