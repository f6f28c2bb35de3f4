"""The audit's recorded figures (quoted by docs/posture.md) are what bench/posture_audit.py measures."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from bench import record

REPO_ROOT = Path(__file__).resolve().parents[1]
SIZE = re.compile(r"posture audit, ([\d,]+) member accounts")


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("posture_bench", REPO_ROOT / "bench" / "posture_audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")


def test_the_call_formula_is_what_a_run_makes(aws_env: None) -> None:
    """GIVEN the bench's call formula WHEN the audit runs for 7 members THEN each run makes exactly those
    calls."""
    module = bench()
    assert [module.columns(row) for row in module.measure(7)] == module.expected_calls(7)


def test_the_recorded_table_has_the_formula_s_calls_and_notifications() -> None:
    """GIVEN the bench's recorded table THEN its calls and notifications are the formula's at its size."""
    module = bench()
    text = record.printed("posture_audit")
    match = SIZE.match(text)
    assert match is not None
    accounts = int(match.group(1).replace(",", ""))
    rows = [line.split() for line in text.splitlines() if line.startswith(("first run", "no-change run"))]
    documented = [tuple(int(value.replace(",", "")) for value in row[3:8]) for row in rows]
    assert documented == module.expected_calls(accounts)
    for row, expected in zip(rows, module.expected_calls(accounts), strict=True):
        assert int(row[2].replace(",", "")) == sum(expected[:4])
