"""What a bench script prints, kept as its recorded output: the figures docs quote come from these files.

Every bench records through this module. A run with `--record` writes everything it printed to
bench/results/<script>.txt, after a first line saying where and when it ran (commit, date, CPUs, load average
at the start); given the page that quotes it, the ```text block after that page's `<!-- bench/<script>.py -->`
marker is replaced with the file. tests/test_bench_figures.py keeps every quoting page equal to its file, so
a figure in the docs is one a bench printed, never a number kept by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
RECORD_FLAG = "--record"
_BLOCK_START = "\n```text\n"


def recording_path(script: str) -> Path:
    """Where the recorded output of bench/<script>.py lives."""
    return RESULTS / f"{script}.txt"


def printed(script: str) -> str:
    """What bench/<script>.py printed in its recorded run: the file without its where-line."""
    return recording_path(script).read_text(encoding="utf-8").split("\n", 1)[1]


def marker(script: str) -> str:
    """The comment a page puts right before the ```text block that quotes bench/<script>.py's recording."""
    return f"<!-- bench/{script}.py -->"


def record_flag(argv: Sequence[str]) -> tuple[bool, list[str]]:
    """Whether `--record` was given, and the other arguments, for benches without an argument parser."""
    return RECORD_FLAG in argv, [argument for argument in argv if argument != RECORD_FLAG]


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


def quote(script: str, page: Path) -> None:
    """Replace the ```text block after the page's marker for bench/<script>.py with its recorded file."""
    text = page.read_text(encoding="utf-8")
    head = marker(script) + _BLOCK_START
    if head not in text:
        raise SystemExit(f"{page} has no {marker(script)} marker followed by a ```text block")
    start = text.index(head) + len(head)
    end = text.index("```", start)
    recording = recording_path(script).read_text(encoding="utf-8")
    page.write_text(text[:start] + recording + text[end:], encoding="utf-8")


@contextlib.contextmanager
def recorded(script: str, *, record: bool, page: Path | None = None) -> Iterator[None]:
    """Print as usual; with `record`, also keep what was printed in bench/results/<script>.txt, and put that
    file into `page`'s quoted block when a page is given.

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
    recording_path(script).write_text(captured.getvalue(), encoding="utf-8")
    if page is not None:
        quote(script, page)
