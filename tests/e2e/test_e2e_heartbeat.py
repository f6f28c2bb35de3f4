"""The heartbeat end to end: every covered (account, region) is heard, and a break is notified as a gap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from root_activity_monitor.simulate import SimulationReport, StackInputError, simulate
from root_activity_monitor.simulate.cli import render_text

SPOKE = "222222222222"
NEVER_DEPLOYED = "333333333333"  # listed in the hub's spokeAccountIds, but no spoke stack is replayed for it
REGIONS = {"us-east-1", "eu-west-1", "eu-central-1"}


def gaps_by_account(report: SimulationReport) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for note in report.gap_notifications:
        events = [(e["awsRegion"], e["eventName"]) for e in note.document["events"]]
        found.setdefault(note.document["account"]["id"], []).extend(events)
    return found


def test_a_heartbeat_arrives_from_every_covered_account_and_region(example_report: SimulationReport) -> None:
    """GIVEN the example hub and spoke THEN each schedule's call reaches the hub's table, from both accounts
    in all three regions, and no heartbeat is notified."""
    arrived = {(row.account, row.region) for row in example_report.heartbeats if row.arrived}
    assert arrived == {(account, region) for account in ("111111111111", SPOKE) for region in REGIONS}
    # No heartbeat notified, and the notifier and watchdog may use the table (the replay checks their roles).
    assert example_report.problems == []
    assert example_report.gap_notifications == []


# One spoke per break, in this order (the replay gives each break the next spoke); the account listed last
# on the hub is never deployed.
SPOKE_BREAKS = {
    "spoke-rule": ("222222222222", {"us-east-1"}),
    "disable-spoke-rule": ("333333333333", {"us-east-1"}),
    "role-policy": ("444444444444", REGIONS),
    "heartbeat-policy": ("555555555555", REGIONS),
    "trail-stopped": ("666666666666", REGIONS),
}
UNDEPLOYED = "777777777777"


@pytest.fixture(scope="session")
def spoke_breaks_report(
    tmp_path_factory: pytest.TempPathFactory, example_hub: Path, example_spoke: Path
) -> SimulationReport:
    """One run of the example hub (listing every spoke and one never deployed) and a spoke per break."""
    document = yaml.safe_load(example_hub.read_text())
    document["config"]["root-activity-monitor:spokeAccountIds"] = [
        *(account for account, _ in SPOKE_BREAKS.values()),
        UNDEPLOYED,
    ]
    hub = tmp_path_factory.mktemp("breaks") / "Pulumi.hub.yaml"
    hub.write_text(yaml.safe_dump(document))
    return simulate(hub, [example_spoke] * len(SPOKE_BREAKS), breaks=list(SPOKE_BREAKS))


@pytest.mark.parametrize("breakage", list(SPOKE_BREAKS))
def test_breaking_a_spoke_is_notified_as_a_monitoring_gap(
    spoke_breaks_report: SimulationReport, breakage: str
) -> None:
    """GIVEN a spoke whose root-activity rule (which carries its heartbeats) is deleted or disabled, a role
    policy deleted or its trail stopped WHEN the clock passes N intervals THEN the watchdog notifies
    HeartbeatMissing for exactly that spoke's silenced regions, as a monitoring gap."""
    account, silent_regions = SPOKE_BREAKS[breakage]
    report = spoke_breaks_report
    assert report.broken is not None and account in report.broken
    gaps = gaps_by_account(report)
    assert set(gaps[account]) == {(region, "HeartbeatMissing") for region in silent_regions}
    assert all(note.document["category"] == "monitoring-gap" for note in report.gap_notifications)
    assert report.problems == []


def test_only_the_broken_spokes_and_the_undeployed_one_are_notified(
    spoke_breaks_report: SimulationReport,
) -> None:
    """GIVEN the same run THEN the never-deployed spoke is notified as never heard in every region, and
    neither the hub's own account nor any other account is notified."""
    gaps = gaps_by_account(spoke_breaks_report)
    assert set(gaps[UNDEPLOYED]) == {(region, "HeartbeatNeverReceived") for region in REGIONS}
    assert set(gaps) == {UNDEPLOYED, *(account for account, _ in SPOKE_BREAKS.values())}


def test_the_report_shows_the_heartbeats_the_trail_assumption_and_the_gap_email(
    spoke_breaks_report: SimulationReport,
) -> None:
    """GIVEN the same run THEN the printed report (what `simulate --break spoke-rule` shows; the flag itself
    is run in test_e2e_tamper.py) lists each heartbeat, the trail assumption and the gap email."""
    out = render_text(spoke_breaks_report)
    assert f"{SPOKE}  us-east-1     arrived" in out
    assert "Assumption: A CloudTrail trail with logging enabled" in out
    assert f"Subject: [HIGH] Monitoring gap in us-east-1 - workloads-production ({SPOKE})" in out
    assert "HeartbeatMissing: no heartbeat since 2025-03-14T10:00:00Z" in out


@pytest.mark.parametrize(("breakage", "hub_silent"), [("bus-policy", set()), ("hub-outage", REGIONS)])
def test_breaking_the_hub_bus_is_notified_as_a_monitoring_gap(
    example_hub: Path, example_spoke: Path, breakage: str, hub_silent: set[str]
) -> None:
    """GIVEN the hub bus policy no longer admitting the spoke, or the hub bus gone WHEN the clock passes N
    intervals THEN the watchdog notifies HeartbeatMissing for every region of the spoke (and the
    never-deployed spoke); for the hub's own account only when the hub bus is gone."""
    report = simulate(example_hub, [example_spoke], breaks=[breakage])
    assert report.broken is not None and SPOKE in report.broken
    gaps = gaps_by_account(report)
    assert set(gaps[SPOKE]) == {(region, "HeartbeatMissing") for region in REGIONS}
    assert set(gaps[NEVER_DEPLOYED]) == {(region, "HeartbeatNeverReceived") for region in REGIONS}
    assert all(note.document["category"] == "monitoring-gap" for note in report.gap_notifications)
    assert set(gaps.get("111111111111", [])) == {(region, "HeartbeatMissing") for region in hub_silent}
    assert report.problems == []


def test_more_breaks_than_spokes_are_refused(example_hub: Path, example_spoke: Path) -> None:
    """GIVEN two heartbeat breaks and one spoke THEN the run stops with an error naming the breaks."""
    with pytest.raises(StackInputError, match=r"2 heartbeat breaks .*spoke-rule, role-policy.* 1 spoke"):
        simulate(example_hub, [example_spoke], breaks=["spoke-rule", "role-policy"])


def test_a_spoke_beating_slower_than_the_hub_tolerates_is_told_once_per_region(
    example_hub: Path, example_spoke: Path, write_stack: Callable[..., Path]
) -> None:
    """GIVEN a spoke naming the hub by hubEventBusArn at 60 minutes and a hub expecting 15 x 2 WHEN
    replayed THEN each of the spoke's regions gets one health notification naming heartbeatIntervalMinutes,
    60 and 15; the hub's own regions, beating at 15, get none."""
    hub = write_stack(example_hub, "hub", heartbeatIntervalMinutes=15, heartbeatSilentIntervals=2)
    report = simulate(hub, [example_spoke])
    told = sorted(
        (
            note.document["account"]["id"],
            e["awsRegion"],
            e["configKey"],
            e["intervalMinutes"],
            e["hubIntervalMinutes"],
        )
        for note in report.health_notifications
        for e in note.document["events"]
    )
    assert told == sorted((SPOKE, region, "heartbeatIntervalMinutes", 60, 15) for region in REGIONS)
    assert all(note.document["category"] == "health" for note in report.health_notifications)
    assert report.problems == []
