"""One covered account: in each of its regions, what forwards root activity, tamper and heartbeats to the hub.

SpokeForwarder (a member account) and HubNotifier (the hub's own account) both call `cover_account`, and the
StackSet template renders one region of it from `covered_events`, so a feature of a covered account is added
here once. A plain function, not a component: the children keep the names and parents they always had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import alarms, forwarding, heartbeat
from ..tagging import Tags


@dataclass(frozen=True)
class CoveredAccount:
    """The forwarding, heartbeat and health resources of one account, every region."""

    forwarding: forwarding.Forwarding
    heartbeat: heartbeat.Heartbeat
    health_topics: dict[str, aws.sns.Topic]


def covered_events(
    tamper: forwarding.ForwardedEvents, beat: forwarding.ForwardedEvents
) -> tuple[forwarding.ForwardedEvents, ...]:
    """What every covered region forwards, whoever deploys it: root activity, changes that would blind the
    monitor (`tamper`), and the region's heartbeats (`beat`)."""
    return (forwarding.ROOT_ACTIVITY, tamper, beat)


def cover_account(
    name: str,
    *,
    regions: Sequence[str],
    hub_event_bus_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    tamper: forwarding.ForwardedEvents,
    heartbeat_interval_minutes: int,
    parent: pulumi.Resource,
    tags: Tags,
    health_emails: Sequence[str] = (),
) -> CoveredAccount:
    """The heartbeat, the forwarding of `covered_events` and its alarms, in each of `regions`, named
    `{name}-forward-…`."""
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
        forwarded=covered_events(tamper, beats.forwarded),
    )
    # The region's own health topic: an alarm about forwarding cannot travel the forwarding path.
    health = alarms.health_topics(prefix, regions=regions, emails=health_emails, parent=parent, tags=tags)
    alarms.forwarding_alarms(prefix, forwarded, health, parent=parent, tags=tags)
    return CoveredAccount(forwarding=forwarded, heartbeat=beats, health_topics=health)
