"""The documentation shows `simulate` as it is: docs/simulate.md quotes what the command prints."""

from __future__ import annotations

import re
from pathlib import Path

from root_activity_monitor.simulate import SimulationReport
from root_activity_monitor.simulate.cli import render_text

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_quoted_output_is_what_simulate_prints(example_report: SimulationReport) -> None:
    """GIVEN the example stacks WHEN simulated THEN the report equals the output docs/simulate.md quotes."""
    page = (REPO_ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    output = page[page.index("\n## Output\n") :]
    quoted = re.search(r"```text\n(.*?)```", output, flags=re.DOTALL)
    assert quoted is not None
    assert quoted.group(1) == render_text(example_report)
