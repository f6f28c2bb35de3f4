"""What a simulation found: per (account, region) coverage, the notifications, and what was not replayed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..regions import GLOBAL_EVENTS_REGION
from .events import DrivenEvent

if TYPE_CHECKING:
    from .delivery import Trace
    from .resources import NotReplayed
    from .stack_sets import DeployedInstance

TRAIL_ASSUMPTION = (
    "A CloudTrail trail with logging enabled covers every account and region (an organization trail, "
    "multi-region): without one, CloudTrail delivers no events to EventBridge, neither root activity nor "
    "heartbeats. The replay puts the records a trail would deliver."
)


@dataclass(frozen=True)
class Coverage:
    """Whether root activity in one account and region reached a notification, and why not."""

    account: str
    region: str
    covered: bool
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The entry of the report's `coverage` list."""
        return {
            "account": self.account,
            "region": self.region,
            "covered": self.covered,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DeliveredNotification:
    """One message the topic delivered: the JSON document, and what an email subscriber reads."""

    document: dict[str, Any]
    subject: str
    email_text: str

    def event_ids(self) -> list[str]:
        """The CloudTrail eventIDs the notification reports, one per entry."""
        return [str(event.get("eventID")) for event in self.document.get("events", [])]


@dataclass(frozen=True)
class HeartbeatRow:
    """Whether one (account, region)'s heartbeat reached the hub's table."""

    account: str
    region: str
    arrived: bool
    reason: str

    def as_json(self) -> dict[str, object]:
        """The entry of the report's `heartbeats` list."""
        return {
            "account": self.account,
            "region": self.region,
            "arrived": self.arrived,
            "reason": self.reason,
        }


@dataclass
class SimulationReport:
    """What a simulation found."""

    coverage: list[Coverage]
    notifications: list[DeliveredNotification]
    not_replayed: list[NotReplayed]
    driven: list[DrivenEvent]
    problems: list[str] = field(default_factory=list)
    traces: dict[str, Trace] = field(default_factory=dict)
    """Where each driven event went, by eventID."""
    stack_instances: list[DeployedInstance] = field(default_factory=list)
    """With `--org`: the StackSet's instances moto deployed, per account and region."""
    late_joiner: str | None = None
    """With `--org`: the account that joined an OU after the rollout."""
    tampering: list[DrivenEvent] = field(default_factory=list)
    """Changes a break-it run made to the monitor (`--break`), each expected in a tamper notification."""
    heartbeats: list[HeartbeatRow] = field(default_factory=list)
    """One row per heartbeat schedule: did its call reach the hub's table."""
    gap_notifications: list[DeliveredNotification] = field(default_factory=list)
    """What the watchdog published (category monitoring-gap)."""
    broken: str | None = None
    """What a break-it run broke."""
    posture: list[DeliveredNotification] = field(default_factory=list)
    """With `--org`: what the root credential audit over the simulated members published."""

    @property
    def all_covered(self) -> bool:
        """True when every (account, region) tried is covered and every heartbeat arrived."""
        return all(row.covered for row in self.coverage) and all(row.arrived for row in self.heartbeats)

    def entries_for(self, event_id: str) -> int:
        """How many notification entries report the event with this CloudTrail eventID."""
        return entries_for(self.notifications, event_id)

    def notification_for(self, event_id: str) -> DeliveredNotification | None:
        """The notification that reports this event, if any."""
        return notification_for(self.notifications, event_id)

    def as_json(self) -> dict[str, Any]:
        """The document `simulate --json` prints."""
        document: dict[str, Any] = {
            "coverage": [row.as_json() for row in self.coverage],
            "notifications": [notification.document for notification in self.notifications],
            "notReplayed": [entry.as_json() for entry in self.not_replayed],
            "heartbeats": [row.as_json() for row in self.heartbeats],
            "monitoringGaps": [notification.document for notification in self.gap_notifications],
            "broken": self.broken,
            "assumptions": [TRAIL_ASSUMPTION],
        }
        if self.stack_instances:
            document["stackInstances"] = [instance.as_json() for instance in self.stack_instances]
            document["lateJoiner"] = self.late_joiner
            document["posture"] = [notification.document for notification in self.posture]
        return document


def entries_for(notifications: Sequence[DeliveredNotification], event_id: str) -> int:
    """How many notification entries report the event with this CloudTrail eventID."""
    return sum(notification.event_ids().count(event_id) for notification in notifications)


def entry_counts(notifications: Iterable[DeliveredNotification]) -> Counter[str]:
    """`entries_for` of every eventID at once: asking per event scans every notification each time, which
    made a report over a thousand accounts quadratic."""
    return Counter(event_id for notification in notifications for event_id in notification.event_ids())


def notification_for(
    notifications: Sequence[DeliveredNotification], event_id: str
) -> DeliveredNotification | None:
    """The notification that reports this event, if any."""
    return next((n for n in notifications if event_id in n.event_ids()), None)


def _gap_reason(region: str, drop: str) -> str:
    if drop == f"no rule in {region}":
        if region == GLOBAL_EVENTS_REGION:
            return f"{drop}: root console sign-ins and IAM calls go unseen"
        return f"{drop}: root activity there goes unseen"
    return drop


def coverage(
    driven: Sequence[DrivenEvent],
    notifications: Sequence[DeliveredNotification],
    traces: dict[str, Trace],
    problems: Sequence[str],
) -> list[Coverage]:
    """One row per (account, region) where root events were put: covered when each reached a notification.

    `problems`: what went wrong delivering notifications; the first explains a queued event none reported.
    """
    places: dict[tuple[str, str], list[DrivenEvent]] = {}
    for event in driven:
        if event.root:
            places.setdefault((event.account_id, event.region), []).append(event)
    rows: list[Coverage] = []
    counts = entry_counts(notifications)
    for (account, region), events in places.items():
        missed = [event for event in events if counts[event.event_id] == 0]
        if not missed:
            rows.append(Coverage(account, region, True, f"all {len(events)} root events notified"))
            continue
        reasons: dict[str, list[str]] = {}
        for event in missed:
            trace = traces[event.event_id]
            if trace.queued:
                why = "reached the buffer queue but no notification reported it"
                if problems:
                    why += f" ({problems[0]})"
            else:
                why = _gap_reason(region, trace.drops[0] if trace.drops else "dropped without a trace")
                if trace.dead_letters:
                    why += f"; {trace.dead_letters[0]}"
            reasons.setdefault(why, []).append(event.kind)
        if len(reasons) == 1 and len(missed) == len(events):
            reason = next(iter(reasons))
        else:
            reason = "; ".join(f"{why} ({', '.join(kinds)})" for why, kinds in reasons.items())
        rows.append(Coverage(account, region, False, reason))
    return rows
