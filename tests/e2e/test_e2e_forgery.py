"""A member account cannot forge root activity by putting custom events on the hub bus itself."""

from __future__ import annotations

from root_activity_monitor.simulate.events import FORGED_SOURCES
from root_activity_monitor.simulate.report import SimulationReport


def test_forged_custom_event_on_the_hub_bus_is_not_notified(example_report: SimulationReport) -> None:
    """GIVEN a spoke account whose own role PutEvents a root CreateAccessKey lookalike with a custom source
    on the hub bus WHEN the stacks are simulated THEN the bus policy refuses it (only the monitor's delivery
    roles may put events), nothing is queued and no notification reports it."""
    [forged] = [e for e in example_report.driven if e.kind == "forged root event (custom source)"]
    trace = example_report.traces[forged.event_id]
    assert trace.steps == []
    assert trace.queued == []
    assert any("PutEvents refused: the policy of" in drop for drop in trace.drops)
    assert example_report.entries_for(forged.event_id) == 0


def test_forged_event_with_an_aws_source_is_refused_by_put_events(example_report: SimulationReport) -> None:
    """GIVEN the same lookalike with source aws.iam WHEN the member account puts it THEN PutEvents refuses."""
    [forged] = [e for e in example_report.driven if e.kind == "forged root event (aws. source)"]
    trace = example_report.traces[forged.event_id]
    assert trace.steps == []
    assert any("PutEvents refused" in drop and "aws." in drop for drop in trace.drops)
    assert example_report.entries_for(forged.event_id) == 0


def test_forgeries_are_tried_from_a_member_account_and_raise_no_problem(
    example_report: SimulationReport,
) -> None:
    """GIVEN the simulation THEN both forgeries were tried by the spoke account and no non-root event was
    notified (the run's own check)."""
    forged = [e for e in example_report.driven if e.kind in FORGED_SOURCES]
    assert len(forged) == len(FORGED_SOURCES)
    hub_account = example_report.driven[0].account_id
    assert all(e.account_id != hub_account for e in forged)
    assert not [p for p in example_report.problems if "non-root" in p]
