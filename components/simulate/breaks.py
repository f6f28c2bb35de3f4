"""Break-it runs: do to a spoke what an intruder would, and show what the monitor reports.

`disable-rule` disables the first spoke's root-activity forwarding rule in its first region, in moto, and
puts the CloudTrail record of that `events:DisableRule` call (made by an admin role) on that account's
default bus. The tamper rule forwards it to the hub, whose notifier must report it with
`category: "tamper"`. Other breaks (a deleted role policy, a silent region) belong to the heartbeat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .events import API_CALL, DrivenEvent, api_call, assumed_role_identity, envelope

if TYPE_CHECKING:  # these need moto, the optional `simulate` extra; the CLI lists breaks without it
    from .accounts import AwsAccounts
    from .delivery import EventRouter, Trace
    from .stacks import SimulatedStack

RULE_TYPE = "aws:cloudwatch/eventRule:EventRule"
DISABLE_RULE = "disable-rule"
TAMPER_KIND = "forwarding rule disabled (tamper)"


def _target(stacks: list[SimulatedStack]) -> SimulatedStack:
    """The first spoke, else the hub (which forwards its own account too)."""
    return next((stack for stack in stacks if stack.role == "spoke"), stacks[0])


def disable_rule(
    aws: AwsAccounts, stacks: list[SimulatedStack], router: EventRouter
) -> tuple[DrivenEvent, Trace]:
    """Disable a spoke's forwarding rule and put the CloudTrail record of it; returns the driven event."""
    stack = _target(stacks)
    region = stack.file.regions[0]
    rule = stack.recorded.named(RULE_TYPE, f"{_component(stack)}-forward-{region}-rule")
    rule_name = str(rule.outputs["name"])
    aws.events(stack.account_id, region).disable_rule(Name=rule_name)
    detail = api_call(
        assumed_role_identity(stack.account_id),
        service="events",
        name="DisableRule",
        read_only=False,
        parameters={"name": rule_name},
    )
    event = envelope(
        TAMPER_KIND,
        account_id=stack.account_id,
        region=region,
        detail_type=API_CALL,
        detail=detail,
        offset=900,
    )
    from .delivery import Trace  # noqa: PLC0415 - needs moto, present once a run is under way

    trace = Trace()
    router.put_from_cloudtrail(event, trace)
    driven = DrivenEvent(
        kind=TAMPER_KIND, account_id=stack.account_id, region=region, root=False, event=event
    )
    return driven, trace


def _component(stack: SimulatedStack) -> str:
    component = next(r for r in stack.recorded.resources if not r.custom)
    return component.name


BREAKS: dict[str, Callable[[AwsAccounts, list[SimulatedStack], EventRouter], tuple[DrivenEvent, Trace]]] = {
    DISABLE_RULE: disable_rule,
}
"""Break name (the CLI's `--break` value) → what it does."""
