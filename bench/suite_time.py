"""Wall time of the whole test suite: on every core (the README's `uv run pytest`) and in one process,
with the time the one-process run spent in full garbage collections. Prints figures, asserts nothing.

Run: ``uv run python bench/suite_time.py [--runs N] [--record]``. Goal: the whole suite within ~60 s on
2 cores with the property tests at the default Hypothesis profile's strength (600 examples each). Any
failing test makes this exit non-zero: a fast red suite is no figure. `--record` keeps the output in
bench/results/suite_time.txt and writes it into docs/verification.md's quoted block (bench/record.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import botocore
from record import ROOT, recorded


def run_suite(*options: str) -> tuple[float, str]:
    """One run of the suite in a fresh interpreter: its wall time and its last lines."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return wall, result.stdout


def summary(output: str) -> str:
    """pytest's closing line without its own timing, e.g. '789 passed'."""
    closing = [line for line in output.splitlines() if re.search(r"\d+ passed", line)][-1]
    return re.sub(r" in [\d.]+s.*", "", closing.strip("= "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs on every core (default 3)")
    parser.add_argument("--record", action="store_true", help="keep the output in bench/results/")
    arguments = parser.parse_args()
    with recorded("suite_time", record=arguments.record, page=ROOT / "docs" / "verification.md"):
        measure(arguments.runs)


def bytecode() -> str:
    """Whether the installed packages' bytecode is there to read, and whether Python may write it."""
    compiled = Path(importlib.util.cache_from_source(botocore.__file__ or "")).exists()
    writes = "off (PYTHONDONTWRITEBYTECODE)" if sys.dont_write_bytecode else "on"
    state = "precompiled (uv sync --compile-bytecode)" if compiled else "not compiled"
    return f"installed packages' bytecode: {state}; writing bytecode: {writes}"


def measure(runs: int) -> None:
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; {bytecode()}")

    walls, output = [], ""
    for _ in range(runs):
        wall, output = run_suite()
        walls.append(wall)
    print(
        f"suite on every core (uv run pytest: -n auto): {summary(output)}; wall median "
        f"{statistics.median(walls):.1f} s of {runs} (min {min(walls):.1f}, max {max(walls):.1f}); "
        "goal ~60 s on 2 cores"
    )

    wall, output = run_suite("-n", "0", "--gc-report")
    collections = re.search(r"full garbage collections: (\d+), ([\d.]+) s", output)
    assert collections is not None, "pytest --gc-report printed no figure"
    print(
        f"suite in one process (-n 0): {summary(output)}; wall {wall:.1f} s, of which "
        f"{collections[2]} s in {collections[1]} full garbage collections"
    )


if __name__ == "__main__":
    main()
