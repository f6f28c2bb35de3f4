"""What a bench script prints, kept as its recorded output: the figures docs quote come from these files.

A bench run with `--record` writes everything it printed to bench/results/<script>.txt, after a first line
saying where and when it ran (commit, date, CPUs, load average at the start). The docs quote that file
verbatim in a ```text block, and tests/test_bench_figures.py keeps the two equal, so a figure in the docs
is one a bench printed, never a number kept by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def recording_path(script: str) -> Path:
    """Where the recorded output of bench/<script>.py lives."""
    return RESULTS / f"{script}.txt"


def _where() -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"recorded at commit {commit or 'unknown'} on {when}; {os.cpu_count()} CPUs, load average {load}"


class _Tee(io.TextIOBase):
    def __init__(self, *streams: io.TextIOBase) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


@contextlib.contextmanager
def recorded(script: str, *, record: bool) -> Iterator[None]:
    """Print as usual; with `record`, also keep what was printed in bench/results/<script>.txt.

    Nothing is written when the bench fails (an exception or `sys.exit`): a failed run is no figure.
    """
    if not record:
        yield
        return
    captured = io.StringIO()
    captured.write(_where() + "\n")
    print(captured.getvalue(), end="")
    original = sys.stdout
    sys.stdout = _Tee(original, captured)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = original
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{script}.txt").write_text(captured.getvalue(), encoding="utf-8")
