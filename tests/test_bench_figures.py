"""Figures in the docs are what a bench printed: each bench's recorded output is quoted verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import record

REPO_ROOT = Path(__file__).resolve().parent.parent
# bench script → the page that quotes its recorded output.
QUOTED = {
    "suite_time": REPO_ROOT / "docs" / "verification.md",
    "simulate": REPO_ROOT / "docs" / "simulate.md",
    "simulate_org": REPO_ROOT / "docs" / "organization.md",
    "handler_burst": REPO_ROOT / "docs" / "verification.md",
    "self_monitoring_cost": REPO_ROOT / "docs" / "operations.md",
    "posture_audit": REPO_ROOT / "docs" / "posture.md",
    "name_lookup": REPO_ROOT / "docs" / "organization.md",
    "watchdog_silence": REPO_ROOT / "docs" / "operations.md",
}
WHERE = re.compile(
    r"recorded at commit [0-9a-f]{7,} on \d{4}-\d\d-\d\d \d\d:\d\d UTC; (\d+) CPUs, load average "
)


@pytest.mark.parametrize(("script", "page"), QUOTED.items(), ids=list(QUOTED))
def test_the_page_quotes_the_bench_s_recorded_output_verbatim(script: str, page: Path) -> None:
    """GIVEN a bench's recorded output (bench/results/) THEN the page that cites the bench quotes exactly that
    output in a text block: re-run the bench with --record and paste its file after a change."""
    recorded = record.recording_path(script).read_text(encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    assert f"{record.marker(script)}\n```text\n{recorded}```" in text, (
        f"{page.name} does not quote bench/results/{script}.txt after {record.marker(script)}"
    )


def test_the_recorded_suite_time_is_a_green_suite_on_two_cores() -> None:
    """GIVEN bench/results/suite_time.txt THEN it says where it ran, and both runs passed the same tests,
    none failed or skipped: the figures are of the whole suite."""
    lines = record.recording_path("suite_time").read_text(encoding="utf-8").splitlines()
    where = WHERE.match(lines[0])
    assert where, lines[0]
    assert where[1] == "2"
    counts = [re.search(r": (\d+) passed;", line) for line in lines if line.startswith("suite ")]
    assert len(counts) == 2 and all(counts), lines
    assert len({count[1] for count in counts if count}) == 1
    assert not any(word in line for line in lines for word in ("failed", "skipped", "error"))


def test_the_recorded_watchdog_flood_notified_every_pair_and_no_account_twice() -> None:
    """GIVEN bench/results/watchdog_silence.txt THEN every silent pair it names was reported, each account was
    notified exactly once, and the last run left nothing for the next."""
    text = record.recording_path("watchdog_silence").read_text(encoding="utf-8")
    size = re.search(r"watchdog, ([\d,]+) accounts x (\d+) regions", text)
    assert size is not None, text
    accounts, regions = int(size[1].replace(",", "")), int(size[2])
    assert f"pairs reported: {accounts * regions:,} of {accounts * regions:,}" in text
    assert f"notifications: {accounts:,} ({accounts:,} accounts)" in text
    assert "accounts notified more than once: 0" in text
    runs = [line.split() for line in text.splitlines() if re.match(r"^ +\d+ +[\d,]+ +[\d,]+ +\d+ ", line)]
    assert runs and runs[-1][2] == "0"
    assert sum(int(run[1].replace(",", "")) for run in runs) == accounts


def test_a_recorded_run_keeps_what_it_printed_and_a_failed_one_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN --record WHEN a bench prints THEN its file holds the where-line and those lines; WHEN a bench
    fails THEN no file is written (a failed run is no figure)."""
    monkeypatch.setattr(record, "RESULTS", tmp_path)
    with record.recorded("demo", record=True):
        print("figure: 42 s")
    kept = (tmp_path / "demo.txt").read_text(encoding="utf-8").splitlines()
    assert WHERE.match(kept[0]) and kept[1:] == ["figure: 42 s"]
    assert capsys.readouterr().out.splitlines() == kept

    with pytest.raises(SystemExit), record.recorded("broken", record=True):
        print("half a figure")
        raise SystemExit(1)
    assert not (tmp_path / "broken.txt").exists()


def test_a_recorded_run_replaces_only_the_block_its_page_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a page quoting two benches WHEN one bench's run is recorded with that page THEN only the block
    after that bench's marker becomes its new file; a page without the marker is refused, naming it."""
    monkeypatch.setattr(record, "RESULTS", tmp_path)
    page = tmp_path / "page.md"
    other = f"{record.marker('other')}\n```text\nother figure\n```\n"
    demo = f"{record.marker('demo')}\n```text\nold\n```\n"
    page.write_text(f"before\n\n{demo}\n{other}after\n", encoding="utf-8")
    with record.recorded("demo", record=True, page=page):
        print("new 1\nnew 2")
    kept = (tmp_path / "demo.txt").read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8") == (
        f"before\n\n{record.marker('demo')}\n```text\n{kept}```\n\n{other}after\n"
    )
    assert record.printed("demo") == "new 1\nnew 2\n"

    refused = re.escape("page.md has no <!-- bench/absent.py --> marker")
    with pytest.raises(SystemExit, match=refused), record.recorded("absent", record=True, page=page):
        print("figure")
