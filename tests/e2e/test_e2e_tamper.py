"""Break-it run: disabling a spoke's forwarding rule reaches subscribers as a tamper notification."""

from __future__ import annotations

from pathlib import Path

import pytest
from root_activity_monitor.simulate import SimulationReport
from root_activity_monitor.simulate.breaks import DISABLE_RULE

from tests.e2e.command import CommandRun, run_command

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="session")
def broken_run(example_hub: Path, example_spoke: Path) -> CommandRun:
    """`simulate --break disable-rule` on the example stacks: the spoke's forwarding rule disabled after the
    ordinary events."""
    return run_command(
        ["simulate", "--hub", str(example_hub), "--spoke", str(example_spoke), "--break", DISABLE_RULE]
    )


@pytest.fixture(scope="session")
def broken_report(broken_run: CommandRun) -> SimulationReport:
    """The report of that run."""
    return broken_run.report


def test_disabling_a_spoke_rule_is_notified_as_tamper(broken_report: SimulationReport) -> None:
    """GIVEN a spoke's forwarding rule disabled WHEN replayed THEN a CRITICAL tamper alert names it."""
    (tampered,) = broken_report.tampering
    assert tampered.account_id == "222222222222"
    notification = broken_report.notification_for(tampered.event_id)
    assert notification is not None
    document = notification.document
    assert (document["category"], document["severity"]) == ("tamper", "CRITICAL")
    (event,) = document["events"]
    rule_name = tampered.event["detail"]["requestParameters"]["name"]
    assert rule_name.startswith("root-activity-monitor-root-activity-")
    assert (event["eventName"], event["resource"]) == ("DisableRule", rule_name)
    assert event["actor"].startswith("arn:aws:sts::222222222222:assumed-role/")
    assert notification.subject.startswith("[CRITICAL] Tamper: ")
    assert broken_report.problems == []
    assert all(row.covered for row in broken_report.coverage)  # the ordinary events came before the break
    # The disabled rule carried that region's heartbeats too: they stop, which the watchdog would notify.
    silent = [row for row in broken_report.heartbeats if not row.arrived]
    assert [(row.account, row.region) for row in silent] == [("222222222222", tampered.region)]
    assert "is DISABLED" in silent[0].reason


def test_alarms_are_listed_as_not_replayed_with_a_reason(broken_report: SimulationReport) -> None:
    """GIVEN the replay THEN every health alarm appears under 'not replayed', saying why."""
    alarms = [entry for entry in broken_report.not_replayed if entry.type == ALARM]
    assert alarms
    assert all("moto does not emit" in entry.reason for entry in alarms)


def test_break_flag_prints_the_tamper_email(broken_run: CommandRun) -> None:
    """GIVEN `--break disable-rule` THEN the report ends with the tamper email a subscriber receives, and the
    command exits 1: that region's heartbeat no longer arrives."""
    assert broken_run.code == 1
    assert "Break-it run: forwarding rule disabled (tamper) in 222222222222" in broken_run.out
    assert "MONITOR TAMPERING - CRITICAL" in broken_run.out
