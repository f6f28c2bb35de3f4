"""docs/operations.md quotes what bench/self_monitoring_cost.py prints, and the figure stays within budget."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH = REPO_ROOT / "bench"
BUDGET_AT_1000_ACCOUNTS = 150.0


def cost_bench() -> ModuleType:
    """The bench script as a module (bench/ is not a package: its scripts import their neighbours)."""
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(
            "self_monitoring_cost", BENCH / "self_monitoring_cost.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_operations_doc_quotes_the_cost_bench_and_it_is_within_budget() -> None:
    """GIVEN the recorded hub, spoke and StackSet template WHEN the cost bench runs THEN docs/operations.md
    quotes its output exactly, and 1,000 accounts x 17 regions cost at most $150 a month."""
    bench = cost_bench()
    printed = bench.report()
    page = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- bench/self_monitoring_cost.py -->\n```text\n(.*?)```", page, flags=re.DOTALL)
    assert quoted is not None
    assert quoted.group(1) == printed
    (total,) = [line.split()[-2] for line in printed.splitlines() if line.strip().startswith("1,000 ")]
    assert float(total.replace(",", "")) <= BUDGET_AT_1000_ACCOUNTS
