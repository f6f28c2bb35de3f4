"""One covered account: in each of its regions, what forwards root activity, tamper and heartbeats to the hub.

SpokeForwarder (a member account) and HubNotifier (the hub's own account) both call `cover_account`, and the
StackSet template renders one region of it from `covered_events`, so a feature of a covered account is added
here once. A plain function, not a component: the children keep the names and parents they always had.

Nothing here alarms or publishes: at 1,000 accounts and 17 regions, one alarm per (account, region) costs
$1,700 a month and one key $17,000. The heartbeat travels through the root-activity rule itself, so any
failure on the path root activity takes shows as a missing heartbeat, which the hub's watchdog notifies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from .. import forwarding, heartbeat
from ..tagging import Tags
from ..tamper import watching_the_tamper_rule

ROOT_AND_HEARTBEAT_DESCRIPTION = (
    "Root-user activity and heartbeats of this account and region, forwarded to the hub"
)


@dataclass(frozen=True)
class CoveredAccount:
    """The forwarding and heartbeat resources of one account, every region."""

    forwarding: forwarding.Forwarding
    heartbeat: heartbeat.Heartbeat


def covered_events(
    tamper: forwarding.ForwardedEvents, root_or_heartbeat: pulumi.Input[str]
) -> tuple[forwarding.ForwardedEvents, ...]:
    """What every covered region forwards, whoever deploys it: on the root-activity rule, root activity or
    the account's heartbeats (`root_or_heartbeat`, a `heartbeat.forwarding_pattern`) or a change to the tamper
    rule; on a rule of its own, changes that would blind the monitor (`tamper`)."""
    # The root-activity rule also forwards changes to the tamper rule, which cannot report its own.
    pattern: pulumi.Input[str]
    if isinstance(root_or_heartbeat, str):
        pattern = watching_the_tamper_rule(root_or_heartbeat)
    else:
        pattern = pulumi.Output.all(root_or_heartbeat).apply(lambda parts: watching_the_tamper_rule(parts[0]))
    root = forwarding.ForwardedEvents(
        kind=forwarding.ROOT_ACTIVITY.kind,
        pattern=pattern,
        description=ROOT_AND_HEARTBEAT_DESCRIPTION,
        hub_description=forwarding.ROOT_ACTIVITY.hub_description,
    )
    return (root, tamper)


def cover_account(
    name: str,
    *,
    regions: Sequence[str],
    hub_event_bus_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    tamper: forwarding.ForwardedEvents,
    heartbeat_interval_minutes: pulumi.Input[int],
    parent: pulumi.Resource,
    tags: Tags,
) -> CoveredAccount:
    """The heartbeat and the forwarding of `covered_events` in each of `regions`, named `{name}-forward-…`."""
    prefix = f"{name}-forward"
    beats = heartbeat.emit_heartbeats(
        prefix,
        regions=regions,
        account_id=account_id,
        interval_minutes=heartbeat_interval_minutes,
        parent=parent,
        tags=tags,
    )
    forwarded = forwarding.forward_regions(
        prefix,
        regions=regions,
        hub_event_bus_arn=hub_event_bus_arn,
        account_id=account_id,
        parent=parent,
        tags=tags,
        forwarded=covered_events(tamper, beats.forwarding_pattern),
    )
    return CoveredAccount(forwarding=forwarded, heartbeat=beats)
