"""`simulate --org` takes shortcuts for speed; on a small organization they decide as the slow path does."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from root_activity_monitor.simulate import SimulationReport, delivery, run, simulate, stack_sets
from root_activity_monitor.simulate.report import entry_counts
from root_activity_monitor.stackset_template import spoke_template_body

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ORG = REPO_ROOT / "Pulumi.org.yaml"
RANDOM_SUFFIX = re.compile(r"-[A-Z0-9]{12}\b")


def decisions(report: SimulationReport) -> dict[str, Any]:
    """What a simulation decided, without what differs between runs by design (random IDs, batch order)."""
    return {
        "coverage": sorted((row.account, row.region, row.covered, row.reason) for row in report.coverage),
        "notifications": sorted(
            (
                n.document["account"]["id"],
                n.document.get("category", "root-activity"),
                n.document["severity"],
                n.document["title"],
                tuple(sorted((e["eventName"], e["awsRegion"]) for e in n.document["events"])),
                n.subject,
                n.email_text,
            )
            for n in report.notifications
        ),
        # CloudFormation names the dead-letter queues with a random suffix.
        "instances": sorted(
            (i.account, i.region, tuple(RANDOM_SUFFIX.sub("", name) for name in i.resources))
            for i in report.stack_instances
        ),
        "problems": sorted(report.problems),
        "heartbeats": sorted((row.account, row.region, row.arrived, row.reason) for row in report.heartbeats),
    }


def test_the_shortcuts_decide_as_the_slow_path(example_hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a 2-member organization and a disabled spoke rule WHEN simulated with the shortcuts (drain the
    buffer and subscriber queues after each account, template parsed once, queue and role policies read once
    per router, notified events counted once) and without them THEN coverage, notifications (emails too),
    stack instances, heartbeats and problems are the same."""
    report = simulate(example_hub, [], org_path=EXAMPLE_ORG, members=2, breaks=["disable-rule"])
    fast = decisions(report)
    counts = entry_counts(report.notifications)
    assert [counts[e.event_id] for e in report.driven] == [
        report.entries_for(e.event_id) for e in report.driven
    ]

    original = delivery.EventRouter._deliver_to_target

    def read_every_time(router: delivery.EventRouter, *args: Any, **kwargs: Any) -> None:
        router._queues.clear()
        router._roles.clear()
        original(router, *args, **kwargs)

    monkeypatch.setattr(delivery.EventRouter, "_deliver_to_target", read_every_time)
    monkeypatch.setattr(run, "DRAIN_PER_ACCOUNT", False)
    monkeypatch.setattr(stack_sets, "parsed_once", contextlib.nullcontext)
    slow = decisions(simulate(example_hub, [], org_path=EXAMPLE_ORG, members=2, breaks=["disable-rule"]))
    assert fast == slow
    assert any(category == "tamper" for _, category, *_ in fast["notifications"])


def test_a_template_parsed_once_gives_every_instance_motos_own_parse() -> None:
    """GIVEN the spoke template WHEN parsed inside `parsed_once` THEN each instance gets moto's own result,
    and a change one instance makes to its copy never reaches the next."""
    from moto.cloudformation.models import Stack

    body = spoke_template_body()
    slow = Stack.parse_template(body)
    with stack_sets.parsed_once():
        first = Stack.parse_template(body)
        first["Resources"].clear()
        second = Stack.parse_template(body)
    assert second == slow == json.loads(body)
    assert Stack.parse_template(body) == slow
