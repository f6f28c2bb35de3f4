"""HubNotifier: the hub account's bus, buffer queue, notifier Lambda and encrypted topic.

Data flow (hub region): spokes and the hub's own regional rules put root activity on the hub bus; a
rule on it sends every event to an SQS buffer queue; the notifier Lambda drains the queue in batches
(so one console session becomes one notification) and publishes to an SNS topic encrypted with a
customer-managed key. The component is placed in its provider's region; only the forwarding rules
carry an explicit `region`. The parts live in `hub/`.
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired at runtime to tell
# required arguments from optional ones.

from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from . import alarms, forwarding, heartbeat
from .hub.alarms import hub_alarms
from .hub.buffer import buffer
from .hub.bus import hub_bus
from .hub.notifier import BUFFER_VISIBILITY_TIMEOUT_SECONDS, notifier, notifier_role
from .hub.organizations import allow_lookups, lookup_variables
from .hub.topic import notification_topic
from .hub.watchdog import allow_recording, heartbeat_table, watchdog
from .settings import argument_namer, check_hub
from .tamper import HUB_TAMPER_ROUTE, tamper_events

TYPE_TOKEN = "root-activity-monitor:index:HubNotifier"


class HubNotifierArgs(TypedDict):
    """Arguments of HubNotifier. Give `organization_id`, `spoke_account_ids` or both."""

    regions: Sequence[str]
    """Regions where the hub account's own root activity is forwarded to the hub bus (include us-east-1)."""
    organization_id: NotRequired[str | None]
    """AWS Organizations ID (`o-…`) whose principals may put events on the hub bus."""
    spoke_account_ids: NotRequired[Sequence[str]]
    """12-digit account IDs that may put events on the hub bus, with or instead of the organization."""
    notification_emails: NotRequired[Sequence[str]]
    """Addresses that get an `email` subscription each (each must confirm it)."""
    event_bus_name: NotRequired[str]
    """Name of the hub event bus; also names the notifier function. Default `root-activity-monitor`."""
    batch_window_seconds: NotRequired[int]
    """How long (0 to 300 s) the notifier waits to gather a session's events into one batch. Default 30."""
    account_names: NotRequired[Mapping[str, str]]
    """Account ID → display name used in notifications."""
    deployer_principal_arns: NotRequired[Sequence[str]]
    """IAM role or user ARNs that deploy the monitor: their changes to it are still reported, at LOW."""
    log_retention_days: NotRequired[int]
    """Retention of the notifier's log group, a CloudWatch Logs retention value. Default 365."""
    tags: NotRequired[Mapping[str, str]]
    """Tags for every child resource that AWS lets us tag."""
    heartbeat_interval_minutes: NotRequired[int]
    """Minutes (1 to 1440) between the heartbeats of each of the hub's regions; also how often the watchdog
    runs. Default 60."""
    heartbeat_silent_intervals: NotRequired[int]
    """Intervals (2 to 48) without a heartbeat before the watchdog notifies a monitoring gap. Default 3."""
    organizations_role_arn: NotRequired[str | None]
    """Read-only role in the management account (or Organizations delegated administrator) the notifier and
    watchdog assume for account names and the OUs' accounts (OrganizationRollout's
    `organizations_role_arn`). Unset: with `organization_id`, they call Organizations directly (the hub is
    the management account)."""
    organizational_unit_ids: NotRequired[Sequence[str]]
    """The OUs the org stack rolls the spoke out to (needs `organization_id`): the watchdog expects every
    active account under them, in every region of `regions`, after a grace period for new accounts."""


class HubNotifier(pulumi.ComponentResource):
    """Receives root activity from every account and region and notifies people about it."""

    event_bus_arn: pulumi.Output[str]
    """ARN of the hub event bus; spokes forward to it."""
    event_bus_name: pulumi.Output[str]
    """Name of the hub event bus."""
    topic_arn: pulumi.Output[str]
    """ARN of the notification topic; subscribe chat, queues or functions to it."""
    queue_url: pulumi.Output[str]
    """URL of the buffer queue between the hub rule and the notifier."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the buffer queue's DLQ: events the notifier failed on five times."""
    function_name: pulumi.Output[str]
    """Name of the notifier Lambda function."""
    health_topic_arns: dict[str, pulumi.Output[str]]
    """Region → ARN of the topic the forwarding alarms of the hub's own account publish to."""

    def __init__(self, name: str, args: HubNotifierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Check before registering anything, so a bad argument leaves no half-made component.
        settings = check_hub(args, argument_namer("HubNotifierArgs"))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = settings.tags
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        bus = hub_bus(
            name,
            bus_name=settings.event_bus_name,
            organization_id=settings.organization_id,
            account_ids=settings.spoke_account_ids,
            parent=self,
            tags=tags,
        )
        queued = buffer(
            name,
            bus=bus.bus,
            visibility_timeout_seconds=BUFFER_VISIBILITY_TIMEOUT_SECONDS,
            parent=self,
            tags=tags,
            routed=(forwarding.ROOT_ACTIVITY, HUB_TAMPER_ROUTE, heartbeat.HUB_HEARTBEAT),
        )
        role = notifier_role(name, parent=self, tags=tags)
        topic = notification_topic(
            name,
            account_id=account_id,
            publisher_role_arn=role.arn,
            emails=settings.notification_emails,
            parent=self,
            tags=tags,
        )
        table = heartbeat_table(name, parent=self, tags=tags)
        lookups = lookup_variables(settings.organizations_lookup, settings.organizations_role_arn)
        function = notifier(
            name,
            function_name=settings.function_name,
            role=role,
            queue=queued.queue,
            topic=topic.topic,
            key=topic.key,
            account_names=settings.account_names,
            batch_size=settings.batch_size,
            batch_window_seconds=settings.batch_window_seconds,
            log_retention_days=settings.log_retention_days,
            deployer_principal_arns=settings.deployer_principal_arns,
            parent=self,
            tags=tags,
            heartbeat_table_name=table.name,
            extra_variables=lookups,
        )
        allow_recording(name, notifier_role=role, table=table, parent=self)
        watched = watchdog(
            name,
            function_name=settings.watchdog_function_name,
            table=table,
            topic=topic.topic,
            key=topic.key,
            account_id=account_id,
            expected_accounts=settings.spoke_account_ids,
            regions=settings.regions,
            interval_minutes=settings.heartbeat_interval_minutes,
            silent_intervals=settings.heartbeat_silent_intervals,
            account_names=settings.account_names,
            log_retention_days=settings.log_retention_days,
            parent=self,
            tags=tags,
            organizational_unit_ids=settings.organizational_unit_ids,
            extra_variables=lookups,
        )
        if settings.organizations_lookup:
            allow_lookups(
                name,
                roles={"notifier": role, "watchdog": watched.role},
                role_arn=settings.organizations_role_arn,
                table=table,
                parent=self,
            )
        beats = heartbeat.emit_heartbeats(
            f"{name}-forward",
            regions=settings.regions,
            account_id=account_id,
            interval_minutes=settings.heartbeat_interval_minutes,
            parent=self,
            tags=tags,
        )
        # The hub's own root user, and changes to the monitor, in every region: default bus → hub bus.
        tamper = tamper_events(name, bus_name=settings.event_bus_name, key_id=topic.key.key_id)
        forwarded = forwarding.forward_regions(
            f"{name}-forward",
            regions=settings.regions,
            hub_event_bus_arn=bus.bus.arn,
            account_id=account_id,
            parent=self,
            tags=tags,
            forwarded=(forwarding.ROOT_ACTIVITY, tamper, beats.forwarded),
        )
        # Alarms publish around the notifier: to the topic in the hub region, to health topics elsewhere.
        hub_alarms(
            name,
            queued=queued,
            function=function.function,
            watchdog_function=watched.function,
            event_bus_name=bus.bus.name,
            topic_arn=topic.topic.arn,
            parent=self,
            tags=tags,
        )
        health = alarms.health_topics(
            f"{name}-forward",
            regions=settings.regions,
            emails=settings.notification_emails,
            parent=self,
            tags=tags,
        )
        alarms.forwarding_alarms(f"{name}-forward", forwarded, health, parent=self, tags=tags)

        self.event_bus_arn = bus.bus.arn
        self.event_bus_name = bus.bus.name
        self.topic_arn = topic.topic.arn
        self.queue_url = queued.queue.url
        self.dead_letter_queue_arn = queued.dead_letter_queue.arn
        self.function_name = function.function.name
        self.health_topic_arns = {region: topic.arn for region, topic in health.items()}
        self.register_outputs(
            {
                "event_bus_arn": self.event_bus_arn,
                "event_bus_name": self.event_bus_name,
                "topic_arn": self.topic_arn,
                "queue_url": self.queue_url,
                "dead_letter_queue_arn": self.dead_letter_queue_arn,
                "function_name": self.function_name,
                "health_topic_arns": self.health_topic_arns,
            }
        )
