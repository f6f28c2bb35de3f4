"""bench/results/handler_burst.txt (docs/verification.md quotes it) is one whole run of the bench."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bench import record

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH = REPO_ROOT / "bench"
CPU_LINE = re.compile(
    r"handler CPU, +(?P<events>\d+)-event session: +(?P<ms>[\d.]+) ms = (?P<per>[\d.]+) ms/event "
    r"\(median of \d+; goal <= (?P<goal>[\d.]+ ms(?:/event)?)\)"
)


def burst_bench() -> ModuleType:
    """The bench script as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("handler_burst", BENCH / "handler_burst.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    saved = sys.path[:]
    try:
        spec.loader.exec_module(module)  # it puts the repository and the fixtures first on sys.path
    finally:
        sys.path[:] = saved
    return module


def test_the_recorded_figures_are_one_whole_run() -> None:
    """GIVEN the bench's recorded output WHEN its handler figures are read THEN they are one whole run of the
    bench (load average at start and end), with each CPU figure's per-event value its total over the events
    and the goal the bench states."""
    lines = record.printed("handler_burst").splitlines()
    assert re.fullmatch(r"Python \S+ on \d+ CPUs; load average [\d.]+ at start", lines[0])
    assert re.fullmatch(r"load average [\d.]+ at end", lines[-1])
    figures = [m for line in lines if (m := CPU_LINE.fullmatch(line))]
    assert [int(m["events"]) for m in figures] == [1, 200, 2000]
    for m in figures:
        assert abs(float(m["ms"]) / int(m["events"]) - float(m["per"])) < 0.00006 + 0.005 / int(m["events"])
        assert m["goal"] == ("0.5 ms" if m["events"] == "1" else "0.05 ms/event")


def test_the_recorded_assume_root_session_counts_are_what_the_bench_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN AWS's published AssumeRoot call and action WHEN the bench's session section runs THEN the
    recorded output (quoted by docs/verification.md) has exactly the notification counts it prints."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bench = burst_bench()
    bench.assume_root_notifications()
    printed = capsys.readouterr().out.splitlines()
    quoted = [line for line in record.printed("handler_burst").splitlines() if "AssumeRoot" in line]
    assert printed and quoted == printed
