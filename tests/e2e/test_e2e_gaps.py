"""Misconfigured stacks: the replay reports the gap the way AWS would behave, not assumed delivery."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from root_activity_monitor.simulate import simulate

from tests.e2e.command import run_command


def test_spoke_without_us_east_1_reports_the_gap_and_exits_1(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """A spoke whose regions leave out us-east-1 is not covered there, the reason says sign-ins go unseen,
    its other regions are covered, and the command prints NOT COVERED and exits 1."""
    spoke = write_stack(example_spoke, "spoke", regions=["eu-west-1", "eu-central-1"])
    run = run_command(["simulate", "--hub", str(example_hub), "--spoke", str(spoke)])
    rows = {(row.account, row.region): row for row in run.report.coverage}
    gap = rows[("222222222222", "us-east-1")]
    assert not gap.covered
    assert gap.reason.startswith("no rule in us-east-1")
    assert "sign-ins" in gap.reason
    assert rows[("222222222222", "eu-west-1")].covered
    assert rows[("222222222222", "eu-central-1")].covered
    assert run.code == 1
    assert "NOT COVERED: no rule in us-east-1" in run.out


def test_bus_policy_that_omits_a_spoke_leaves_it_uncovered(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """With no organization and only 222222222222 listed, the hub bus refuses the second spoke's events."""
    hub = write_stack(example_hub, "hub", organizationId=None, spokeAccountIds=["222222222222"])
    report = simulate(hub, [example_spoke, example_spoke])
    by_account: dict[str, set[bool]] = {}
    for row in report.coverage:
        by_account.setdefault(row.account, set()).add(row.covered)
    assert by_account == {"111111111111": {True}, "222222222222": {True}, "333333333333": {False}}
    refused = next(row for row in report.coverage if row.account == "333333333333")
    assert "does not allow account 333333333333" in refused.reason
    assert "dead-letter" in refused.reason


def test_organization_grant_covers_unlisted_spokes(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """With an organization ID and no listed accounts, every spoke (a simulated org member) is covered."""
    hub = write_stack(example_hub, "hub", spokeAccountIds=None)
    report = simulate(hub, [example_spoke, example_spoke])
    assert {row.account for row in report.coverage} == {"111111111111", "222222222222", "333333333333"}
    assert report.all_covered, [row for row in report.coverage if not row.covered]
