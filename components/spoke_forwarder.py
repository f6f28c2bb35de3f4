"""SpokeForwarder: a member account's root activity, every region, forwarded to the hub bus."""

# No `from __future__ import annotations` here: TypedDict must see NotRequired at runtime to tell
# required arguments from optional ones.

from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .arns import parse_event_bus_arn
from .settings import argument_namer, check_spoke
from .spoke import cover_account
from .tamper import tamper_events

TYPE_TOKEN = "root-activity-monitor:index:SpokeForwarder"

HUB_COVERS_ITSELF_WARNING = (
    "SpokeForwarder {name!r} is deployed in the hub account {account}: the hub already forwards its own "
    "root activity, so these rules are redundant (deploy spokes in member accounts only)"
)


class SpokeForwarderArgs(TypedDict):
    """Arguments of SpokeForwarder."""

    hub_event_bus_arn: pulumi.Input[str]
    """ARN of the hub event bus (the hub stack's `eventBusArn` output); may be an Output."""
    regions: Sequence[str]
    """Regions whose default bus is watched (include us-east-1: sign-ins and IAM are recorded there)."""
    account_id: NotRequired[pulumi.Input[str] | None]
    """The account this spoke is deployed in; looked up with sts:GetCallerIdentity when omitted."""
    tags: NotRequired[Mapping[str, str]]
    """Tags for every child resource that AWS lets us tag."""
    heartbeat_interval_minutes: NotRequired[pulumi.Input[int]]
    """Minutes (1 to 1440) between heartbeats: the hub's `heartbeatIntervalMinutes` output. Default 60."""


class SpokeForwarder(pulumi.ComponentResource):
    """Forwards root-user activity from every configured region of one account to the hub bus."""

    rule_arns: dict[str, pulumi.Output[str]]
    """ARN of the forwarding rule in each region, by region."""
    delivery_role_arn: pulumi.Output[str]
    """ARN of the role EventBridge assumes to put events on the hub bus."""

    def __init__(
        self, name: str, args: SpokeForwarderArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        where = argument_namer("SpokeForwarderArgs")
        settings = check_spoke(args, where)
        super().__init__(TYPE_TOKEN, name, None, opts)

        # An ARN that arrives as an Output (a stack reference) is checked when it resolves; the check
        # raises, it creates nothing.
        hub_arn = pulumi.Output.from_input(settings.hub_event_bus_arn).apply(
            lambda arn: parse_event_bus_arn(arn, where("hub_event_bus_arn")).arn
        )
        account_id = settings.account_id
        if account_id is None:
            account_id = aws.get_caller_identity_output(
                opts=pulumi.InvokeOutputOptions(parent=self)
            ).account_id
        pulumi.Output.all(hub_arn, account_id).apply(lambda values: _warn_if_hub_account(name, *values))

        covered = cover_account(
            name,
            regions=settings.regions,
            hub_event_bus_arn=hub_arn,
            account_id=account_id,
            tamper=tamper_events(name),
            heartbeat_interval_minutes=settings.heartbeat_interval_minutes,
            parent=self,
            tags=settings.tags,
        )
        forwarded = covered.forwarding

        self.rule_arns = {region: regional.rule.arn for region, regional in forwarded.regions.items()}
        self.delivery_role_arn = forwarded.role.arn
        self.register_outputs(
            {
                "rule_arns": self.rule_arns,
                "delivery_role_arn": self.delivery_role_arn,
            }
        )


def _warn_if_hub_account(name: str, hub_event_bus_arn: str, account_id: str) -> None:
    if parse_event_bus_arn(hub_event_bus_arn, "hub_event_bus_arn").account_id == account_id:
        pulumi.log.warn(HUB_COVERS_ITSELF_WARNING.format(name=name, account=account_id))
