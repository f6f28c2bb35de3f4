"""The `simulate` command run in-process, keeping the report it printed from."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from root_activity_monitor.simulate import SimulationReport, cli, simulate


@dataclass(frozen=True)
class CommandRun:
    """One in-process run of the `simulate` command: its exit code, what it printed, and the report it
    printed from."""

    code: int
    out: str
    err: str
    report: SimulationReport


def run_command(argv: Sequence[str]) -> CommandRun:
    """Run the command line as a user would, keeping the report `simulate` handed back to it, so that one
    run serves the tests of what it printed and of what it found."""
    reports: list[SimulationReport] = []

    def keeping(*args: Any, **kwargs: Any) -> SimulationReport:
        report = simulate(*args, **kwargs)
        reports.append(report)
        return report

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "simulate", keeping)
        code = cli.main(list(argv), stdout=out, stderr=err)
    (report,) = reports
    return CommandRun(code, out.getvalue(), err.getvalue(), report)
