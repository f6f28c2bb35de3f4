"""docs/verification.md quotes one whole run of bench/handler_burst.py, written there by its ``--record``."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

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


def quoted_block(page: Path, marker: str) -> str:
    found = re.search(re.escape(marker) + r"\n```text\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert found is not None, f"{page.name} has no block after {marker}"
    return found.group(1)


def test_verification_doc_quotes_a_whole_recorded_run() -> None:
    """GIVEN docs/verification.md WHEN its handler figures are read THEN they are one whole run of the bench
    (load average at start and end), with each CPU figure's per-event value its total over the events and
    the goal the bench states."""
    bench = burst_bench()
    block = quoted_block(bench.DOC, bench.DOC_MARKER)
    lines = block.splitlines()
    assert re.fullmatch(r"Python \S+ on \d+ CPUs; load average [\d.]+ at start", lines[0])
    assert re.fullmatch(r"load average [\d.]+ at end", lines[-1])
    figures = [m for line in lines if (m := CPU_LINE.fullmatch(line))]
    assert [int(m["events"]) for m in figures] == [1, 200, 2000]
    for m in figures:
        assert abs(float(m["ms"]) / int(m["events"]) - float(m["per"])) < 0.00006 + 0.005 / int(m["events"])
        assert m["goal"] == ("0.5 ms" if m["events"] == "1" else "0.05 ms/event")


def test_verification_doc_quotes_the_assume_root_session_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN AWS's published AssumeRoot call and action WHEN the bench's session section runs THEN
    docs/verification.md quotes exactly the notification counts it prints."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bench = burst_bench()
    bench.assume_root_notifications()
    printed = capsys.readouterr().out.splitlines()
    quoted = [line for line in quoted_block(bench.DOC, bench.DOC_MARKER).splitlines() if "AssumeRoot" in line]
    assert printed and quoted == printed


def test_record_replaces_only_the_quoted_block(tmp_path: Path) -> None:
    """GIVEN a page with the bench's marker WHEN a run is recorded THEN only the block after the marker
    changes."""
    bench = burst_bench()
    page = tmp_path / "page.md"
    page.write_text(f"before\n\n{bench.DOC_MARKER}\n```text\nold\n```\n\nafter\n", encoding="utf-8")
    bench.record("new 1\nnew 2\n", page)
    assert (
        page.read_text(encoding="utf-8")
        == f"before\n\n{bench.DOC_MARKER}\n```text\nnew 1\nnew 2\n```\n\nafter\n"
    )
