"""The example stacks, replayed end to end: every root event is notified once, nothing else is."""

from __future__ import annotations

from pathlib import Path

from root_activity_monitor.simulate import SimulationReport

HUB_ACCOUNT = "111111111111"
SPOKE_ACCOUNT = "222222222222"
CONFIGURED_REGIONS = {"us-east-1", "eu-west-1", "eu-central-1"}


def test_every_root_event_is_notified_exactly_once(example_report: SimulationReport) -> None:
    """Each root event put on any account's default bus in any region is in exactly one notification."""
    root_events = [event for event in example_report.driven if event.root]
    assert root_events
    counts = {(e.account_id, e.region, e.kind): example_report.entries_for(e.event_id) for e in root_events}
    assert set(counts.values()) == {1}, counts


def test_non_root_events_are_not_notified(example_report: SimulationReport) -> None:
    """IAM user calls and role sign-ins reach no notification."""
    non_root = [event for event in example_report.driven if not event.root]
    assert non_root
    assert all(example_report.entries_for(event.event_id) == 0 for event in non_root)
    assert example_report.problems == []


def test_every_account_and_configured_region_is_covered(example_report: SimulationReport) -> None:
    """The hub and the spoke are covered in each configured region, us-east-1 included."""
    rows = {(row.account, row.region): row for row in example_report.coverage}
    assert set(rows) == {(a, r) for a in (HUB_ACCOUNT, SPOKE_ACCOUNT) for r in CONFIGURED_REGIONS}
    assert example_report.all_covered, [row for row in example_report.coverage if not row.covered]


def test_notifications_name_the_account_the_root_user_acted_in(example_report: SimulationReport) -> None:
    """A spoke's event keeps its account through the bus-to-bus hop, so its notification names the spoke."""
    spoke_sign_in = next(
        e for e in example_report.driven if e.kind == "root console sign-in" and e.account_id == SPOKE_ACCOUNT
    )
    notification = example_report.notification_for(spoke_sign_in.event_id)
    assert notification is not None
    assert notification.document["account"]["id"] == SPOKE_ACCOUNT
    assert "ConsoleLogin" in notification.email_text


def test_resources_not_replayed_are_listed_with_reasons(example_report: SimulationReport) -> None:
    """The notifier function, its event source mapping and the KMS key are reported, each with a reason."""
    listed = {entry.type: entry.reason for entry in example_report.not_replayed}
    for type_token in (
        "aws:lambda/function:Function",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "aws:kms/key:Key",
    ):
        assert listed.get(type_token), type_token


def test_no_recorded_type_is_skipped_silently(example_hub: Path, example_spoke: Path) -> None:
    """Every type the program registers either has a creator or appears in the not-replayed list."""
    from root_activity_monitor.simulate import record_stacks, simulate
    from root_activity_monitor.simulate.resources import CREATORS

    stacks = record_stacks(example_hub, [example_spoke])
    recorded = {resource.type for stack in stacks for resource in stack.recorded.resources}
    report = simulate(example_hub, [example_spoke])
    reported = {entry.type for entry in report.not_replayed}
    assert recorded <= set(CREATORS) | reported
    assert not set(CREATORS) & reported
