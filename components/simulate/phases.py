"""The replay's phases, in the order they run: create → put events → notify → heartbeats → posture → report.

Each phase returns what the next ones need; the report is built once, from all of them, at the end. This
module needs boto3 and moto (the optional `simulate` extra): `run` imports it once moto is known to be there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..regions import GLOBAL_EVENTS_REGION
from . import run
from .accounts import AwsAccounts
from .breaks import BREAKS
from .delivery import EventRouter, Trace
from .events import DrivenEvent, events_for, forged_events
from .heartbeat_run import BREAKS as HEARTBEAT_BREAKS
from .heartbeat_run import HeartbeatResult, check_breaks, replay_heartbeats
from .iam import KeyPolicyLookup
from .notifier import LoadedHandlers, run_notifiers
from .observer import read_observer, subscribe_observers
from .posture_task import run_posture_audit
from .report import DeliveredNotification, SimulationReport, coverage, entry_counts, notification_for
from .resources import NotReplayed, replay
from .rollout import Rollout, replay_rollout
from .stack_sets import STACK_SET_TYPES
from .stacks import SimulatedStack, key_policy_lookup

if TYPE_CHECKING:
    from .run import Progress


@dataclass(frozen=True)
class Created:
    """What moto holds after the create phase, and where events are to be put."""

    aws: AwsAccounts
    not_replayed: list[NotReplayed]
    places: dict[str, tuple[str, ...]]
    """Every account → the regions its stacks (or the org's StackSet) cover."""
    rollout: Rollout | None
    """With an org stack: what its StackSet rollout deployed."""


@dataclass(frozen=True)
class Driven:
    """What the put-events phase put on the buses, and where each event went."""

    events: list[DrivenEvent]
    """Root and non-root activity, forged events included."""
    drained: list[str]
    """Problems of the notifier runs after each account's events (`run.DRAIN_PER_ACCOUNT`)."""
    tampering: list[DrivenEvent]
    """Changes a break-it run made to the monitor, each expected in a tamper notification."""
    traces: dict[str, Trace]
    """Where each event went, by eventID."""


@dataclass(frozen=True)
class Notified:
    """What the notifier published, and what went wrong on the way."""

    notifications: list[DeliveredNotification]
    problems: list[str]


@dataclass(frozen=True)
class Audited:
    """With an org stack: what the hub's root credential audit over the members published."""

    notifications: list[DeliveredNotification] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run_phases(
    stacks: list[SimulatedStack],
    say: Progress,
    *,
    members: int,
    hub_in_ou: bool,
    breaks: Sequence[str] = (),
    resources: contextlib.ExitStack | None = None,
) -> SimulationReport:
    """Replay the recorded stacks into moto (already active) and report what was notified.

    `resources` keeps the notifier's loaded code until the caller's `with` ends.
    """
    check_breaks(breaks, stacks)
    hub = stacks[0]
    organization = hub.file.value("organizationId")
    organization_id = str(organization) if organization else None
    key_policy = key_policy_lookup(stacks)
    created = create(stacks, say, members=members, hub_in_ou=hub_in_ou)
    observers = subscribe_observers(created.aws, hub)
    router = EventRouter(created.aws, organization_id=organization_id, key_policy=key_policy)
    loaded = (resources or contextlib.ExitStack()).enter_context(LoadedHandlers())
    delivered: list[DeliveredNotification] = []

    def drain() -> list[str]:
        problems = [
            problem
            for stack in stacks
            for problem in run_notifiers(created.aws, stack.recorded, key_policy, loaded).problems
        ]
        # The subscriber's queue is read at each drain too: moto's SQS scans the whole queue for every
        # message it hands out, so one queue holding every account's notifications was quadratic.
        delivered.extend(read_observers(created.aws, observers))
        return problems

    driven = put_events(created, stacks, router, say, breaks=breaks, drain=drain)
    notified = notify(created, driven, say, drain, delivered)
    say("firing every heartbeat schedule and running the watchdog")
    beats = replay_heartbeats(
        created.aws,
        stacks,
        organization_id=organization_id,
        key_policy=key_policy,
        observers=observers,
        breakages=[name for name in breaks if name in HEARTBEAT_BREAKS],
    )
    audited = audit_posture(created, hub, key_policy, observers, say)
    return build_report(created, driven, notified, beats, audited)


def create(stacks: list[SimulatedStack], say: Progress, *, members: int, hub_in_ou: bool) -> Created:
    """Create every recorded resource in its account; with an org stack, roll its StackSet out."""
    aws = AwsAccounts()
    say("creating the recorded resources in moto")
    not_replayed = replay(
        aws,
        [
            (stack.account_id, [r for r in stack.recorded.resources if r.type not in STACK_SET_TYPES])
            for stack in stacks
        ],
    )
    places: dict[str, tuple[str, ...]] = {}
    for stack in stacks:
        places[stack.account_id] = (*places.get(stack.account_id, ()), *stack.file.regions)
    rollout = None
    for org in (stack for stack in stacks if stack.role == "org"):
        say("rolling the StackSet out to the simulated organization through moto's CloudFormation")
        rollout = replay_rollout(
            aws, org, hub_account=stacks[0].account_id, members=members, hub_in_ou=hub_in_ou
        )
        for account, org_regions in rollout.places.items():
            places[account] = (*places.get(account, ()), *org_regions)
    return Created(aws=aws, not_replayed=not_replayed, places=places, rollout=rollout)


def put_events(
    created: Created,
    stacks: list[SimulatedStack],
    router: EventRouter,
    say: Progress,
    *,
    breaks: Sequence[str],
    drain: Callable[[], list[str]],
) -> Driven:
    """CloudTrail events on every account's default bus (with `run.DRAIN_PER_ACCOUNT`, the notifier drains
    after each account, as it keeps up in AWS), forged ones on the hub's bus, then the tampering."""
    events: list[DrivenEvent] = []
    traces: dict[str, Trace] = {}
    drained: list[str] = []
    say("putting CloudTrail events on every account's default bus")
    for account, account_regions in created.places.items():
        regions = dict.fromkeys([*account_regions, GLOBAL_EVENTS_REGION])
        for event in events_for(account, regions):
            events.append(event)
            traces[event.event_id] = trace = Trace()
            router.put_from_cloudtrail(event.event, trace)
        if run.DRAIN_PER_ACCOUNT:
            drained.extend(drain())
    hub = stacks[0]
    hub_bus = _hub_bus_arn(hub)
    if hub_bus and len(stacks) > 1:
        say("forging root events from a member account onto the hub bus")
        for event in forged_events(stacks[1].account_id, victim=hub.account_id):
            events.append(event)
            traces[event.event_id] = trace = Trace()
            router.put_events_from_account(event.event, event.account_id, hub_bus, trace)
    tampering: list[DrivenEvent] = []
    for name in (name for name in breaks if name in BREAKS):
        say(f"breaking it: {name}")
        event, trace = BREAKS[name](created.aws, stacks, router)
        tampering.append(event)
        traces[event.event_id] = trace
    return Driven(events=events, drained=drained, tampering=tampering, traces=traces)


def notify(
    created: Created,
    driven: Driven,
    say: Progress,
    drain: Callable[[], list[str]],
    delivered: list[DeliveredNotification],
) -> Notified:
    """Run every stack's notifier on what is left on its queue; what the topics delivered, `delivered`
    holding what each drain read from the subscribers' queues."""
    say("running the notifier on the buffer queue")
    rollout = list(created.rollout.problems) if created.rollout else []
    # A refusal found at every drain is one problem.
    problems = list(dict.fromkeys([*rollout, *driven.drained, *drain()]))
    return Notified(notifications=list(delivered), problems=problems)


def read_observers(aws: AwsAccounts, observers: list[tuple[str, str, str]]) -> list[DeliveredNotification]:
    """What the topics delivered to the replay's subscriber queues since they were last read."""
    return [n for account, region, url in observers for n in read_observer(aws, account, region, url)]


def audit_posture(
    created: Created,
    hub: SimulatedStack,
    key_policy: KeyPolicyLookup,
    observers: list[tuple[str, str, str]],
    say: Progress,
) -> Audited:
    """With an org rollout, run the hub's root credential audit once; what the topics delivered since."""
    if created.rollout is None:
        return Audited()
    say("auditing the simulated members' root credentials")
    problems = run_posture_audit(created.aws, hub.recorded, key_policy)
    notifications = read_observers(created.aws, observers)
    return Audited(notifications=notifications, problems=problems)


def build_report(
    created: Created, driven: Driven, notified: Notified, beats: HeartbeatResult, audited: Audited
) -> SimulationReport:
    """The report of every phase, with a problem for each non-root event notified and each tamper missed."""
    notifications = notified.notifications
    counts = entry_counts(notifications)
    misfires = [
        f"a non-root event was notified: {event.kind} in {event.account_id} {event.region}"
        for event in driven.events
        if not event.root and counts[event.event_id]
    ]
    misfires += audited.problems
    for event in driven.tampering:
        notification = notification_for(notifications, event.event_id)
        if notification is None or notification.document.get("category") != "tamper":
            drops = "; ".join(driven.traces[event.event_id].drops) or "no drop recorded"
            misfires.append(f"no tamper notification for {event.kind} in {event.account_id} ({drops})")
    return SimulationReport(
        coverage=coverage(driven.events, notifications, driven.traces, notified.problems),
        notifications=notifications,
        not_replayed=created.not_replayed,
        driven=driven.events,
        problems=[*notified.problems, *beats.problems, *misfires],
        traces=driven.traces,
        stack_instances=created.rollout.instances if created.rollout else [],
        late_joiner=created.rollout.late_joiner if created.rollout else None,
        tampering=driven.tampering,
        heartbeats=beats.rows,
        gap_notifications=beats.gap_notifications,
        broken=beats.broken,
        posture=audited.notifications,
    )


def _hub_bus_arn(hub: SimulatedStack) -> str | None:
    """The ARN of the bus the hub stack created, which its policy opens to the spokes."""
    for resource in hub.recorded.resources:
        if resource.type == "aws:cloudwatch/eventBus:EventBus":
            return str(resource.outputs.get("arn") or "") or None
    return None
