"""Figures the docs quote are what a bench script printed: its results file, copied verbatim into the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Each bench script that writes a results file, and the page that quotes it.
QUOTED = {
    "bench/results/simulate_org.txt": "docs/organization.md",
    "bench/results/simulate.txt": "docs/simulate.md",
}
_TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize(("results", "page"), sorted(QUOTED.items()))
def test_the_page_quotes_the_bench_output_verbatim(results: str, page: str) -> None:
    """GIVEN a bench's last printed figures THEN one text block of its page holds exactly those lines."""
    printed = (REPO_ROOT / results).read_text(encoding="utf-8")
    blocks = _TEXT_BLOCK.findall((REPO_ROOT / page).read_text(encoding="utf-8"))
    assert printed in blocks, f"{page} does not quote {results}; copy its lines into a ```text block"
