"""The documentation shows `simulate` as it is: docs/simulate.md quotes what the command prints."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.command import CommandRun

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_quoted_output_is_what_simulate_prints(example_run: CommandRun) -> None:
    """GIVEN the example stacks WHEN `simulate` runs THEN what it prints equals the output docs/simulate.md
    quotes."""
    page = (REPO_ROOT / "docs" / "simulate.md").read_text(encoding="utf-8")
    output = page[page.index("\n## Output\n") :]
    quoted = re.search(r"```text\n(.*?)```", output, flags=re.DOTALL)
    assert quoted is not None
    assert quoted.group(1) == example_run.out
