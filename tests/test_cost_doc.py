"""The cost bench's recorded output (docs/operations.md quotes it) is what it prints, within budget."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bench import record

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


def test_the_recorded_cost_is_what_the_bench_prints_and_within_budget() -> None:
    """GIVEN the recorded hub, spoke and StackSet template WHEN the cost bench runs THEN its recorded output
    (which docs/operations.md quotes) is exactly what it prints, and 1,000 accounts x 17 regions cost at most
    $150 a month."""
    bench = cost_bench()
    printed = bench.report()
    assert record.printed("self_monitoring_cost") == printed
    (total,) = [line.split()[-2] for line in printed.splitlines() if line.strip().startswith("1,000 ")]
    assert float(total.replace(",", "")) <= BUDGET_AT_1000_ACCOUNTS
