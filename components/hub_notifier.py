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
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .hub.pipeline import hub_pipeline
from .settings import argument_namer, check_hub
from .spoke import cover_account
from .tamper import tamper_events

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
    """Minutes (1 to 1440) between heartbeats of the hub's regions, and between watchdog runs. Default 60."""
    heartbeat_silent_intervals: NotRequired[int]
    """Intervals (2 to 48) without a heartbeat before the watchdog notifies a monitoring gap. Default 3."""
    posture_schedule: NotRequired[str]
    """When the root credential audit runs (with an organization): `rate(...)`, `cron(...)` or `off`."""
    posture_audit_role_arn: NotRequired[str | None]
    """The org stack's role the audit assumes for root sessions; unset when the hub itself can (README)."""
    organizations_role_arn: NotRequired[str | None]
    """Read-only Organizations role (an org stack output) for account names and OUs; unset: direct calls."""
    expected_organizational_unit_ids: NotRequired[Sequence[str]]
    """The org stack's OUs: the watchdog expects every active account under them, in every region."""
    expected_root_use: NotRequired[Sequence[Mapping[str, Any]]]
    """Approved root-use windows (README: expectedRootUse); root use inside one is notified at most LOW."""
    high_priority_endpoints: NotRequired[Sequence[Mapping[str, str]]]
    """`{protocol, endpoint}` subscriptions that receive only CRITICAL and HIGH notifications (a pager)."""
    runbook_base_url: NotRequired[str]
    """Where notifications' `runbook` links point (a page name is appended). Default `docs/runbooks/`."""


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

    def __init__(self, name: str, args: HubNotifierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Check before registering anything, so a bad argument leaves no half-made component.
        settings = check_hub(args, argument_namer("HubNotifierArgs"))
        super().__init__(TYPE_TOKEN, name, None, opts)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        pipeline = hub_pipeline(name, settings, account_id=account_id, parent=self)
        # The hub's own account is covered like a spoke: its root user, and changes to the monitor (the hub
        # bus, function and topic key among them), in every region: default bus → hub bus.
        cover_account(
            name,
            regions=settings.regions,
            hub_event_bus_arn=pipeline.bus.bus.arn,
            account_id=account_id,
            tamper=tamper_events(
                name,
                bus_name=settings.event_bus_name,
                key_id=pipeline.topic.key.key_id,
                account_id=account_id,
            ),
            heartbeat_interval_minutes=settings.heartbeat_interval_minutes,
            parent=self,
            tags=settings.tags,
        )

        self.event_bus_arn = pipeline.bus.bus.arn
        self.event_bus_name = pipeline.bus.bus.name
        self.topic_arn = pipeline.topic.topic.arn
        self.queue_url = pipeline.buffer.queue.url
        self.dead_letter_queue_arn = pipeline.buffer.dead_letter_queue.arn
        self.function_name = pipeline.notifier.function.name
        self.register_outputs(
            {
                "event_bus_arn": self.event_bus_arn,
                "event_bus_name": self.event_bus_name,
                "topic_arn": self.topic_arn,
                "queue_url": self.queue_url,
                "dead_letter_queue_arn": self.dead_letter_queue_arn,
                "function_name": self.function_name,
            }
        )
