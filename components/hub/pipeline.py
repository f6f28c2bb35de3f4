"""The hub region's pipeline, in the order data flows: bus → buffer → notifier → topic, the heartbeat table
and its watchdog, the root credential audit, and the alarms that publish around the notifier."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .. import forwarding, heartbeat, routing
from ..settings import HubSettings
from ..tamper import hub_tamper_route
from .alarms import hub_alarms
from .buffer import Buffer, buffer
from .bus import HubBus, hub_bus
from .notifier import BUFFER_VISIBILITY_TIMEOUT_SECONDS, Notifier, notifier, notifier_role
from .organizations import allow_lookups, lookup_variables
from .posture import PostureAudit, allow_reading_posture, posture_audit
from .topic import NotificationTopic, notification_topic
from .watchdog import Watchdog, allow_recording, heartbeat_table, watchdog


@dataclass(frozen=True)
class Pipeline:
    """What carries every account's events to people, in the hub region."""

    bus: HubBus
    buffer: Buffer
    topic: NotificationTopic
    notifier: Notifier
    watchdog: Watchdog
    posture: PostureAudit | None
    """The root credential audit, when the hub watches an organization and the schedule is on."""


def hub_pipeline(
    name: str, settings: HubSettings, *, account_id: pulumi.Input[str], parent: pulumi.Resource
) -> Pipeline:
    """The hub bus and its routes into the buffer, the notifier and its topic, the heartbeat table and the
    watchdog, and the hub region's alarms (straight to the topic, never through the notifier)."""
    tags = settings.tags
    bus = hub_bus(
        name,
        bus_name=settings.event_bus_name,
        organization_id=settings.organization_id,
        account_ids=settings.spoke_account_ids,
        parent=parent,
        tags=tags,
    )
    role = notifier_role(name, parent=parent, tags=tags)
    topic = notification_topic(
        name,
        account_id=account_id,
        publisher_role_arn=role.arn,
        emails=settings.notification_emails,
        high_priority_endpoints=settings.high_priority_endpoints,
        parent=parent,
        tags=tags,
    )
    # The hub re-applies the forwarding rules' patterns: it never trusts that a spoke filtered.
    tamper_route = hub_tamper_route(
        name, bus_name=settings.event_bus_name, key_id=topic.key.key_id, account_id=account_id
    )
    queued = buffer(
        name,
        bus=bus.bus,
        visibility_timeout_seconds=BUFFER_VISIBILITY_TIMEOUT_SECONDS,
        parent=parent,
        tags=tags,
        routed=(forwarding.ROOT_ACTIVITY, tamper_route, heartbeat.HUB_HEARTBEAT),
    )
    table = heartbeat_table(name, parent=parent, tags=tags)
    audit = (
        posture_audit(
            name,
            event_bus_name=settings.event_bus_name,
            schedule_expression=settings.posture_schedule,
            management_role_arn=settings.posture_audit_role_arn,
            organizations_role_arn=settings.organizations_role_arn,
            topic=topic.topic,
            key=topic.key,
            account_id=account_id,
            log_retention_days=settings.log_retention_days,
            parent=parent,
            tags=tags,
        )
        if settings.posture_audit
        else None
    )
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
        parent=parent,
        tags=tags,
        heartbeat_table_name=table.name,
        posture_table_name=audit.table.name if audit is not None else None,
        routing_variables={
            "EXPECTED_ROOT_USE": routing.expected_root_use_variable(settings.expected_root_use),
            "RUNBOOK_BASE_URL": settings.runbook_base_url,
        },
        extra_variables=lookups,
    )
    allow_recording(name, notifier_role=role, table=table, parent=parent)
    if audit is not None:
        allow_reading_posture(name, notifier_role=role, table=audit.table, parent=parent)
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
        parent=parent,
        tags=tags,
        organizational_unit_ids=settings.expected_organizational_unit_ids,
        extra_variables=lookups,
    )
    if settings.organizations_lookup:
        allow_lookups(
            name,
            roles={"notifier": role, "watchdog": watched.role},
            role_arn=settings.organizations_role_arn,
            table=table,
            parent=parent,
        )
    hub_alarms(
        name,
        queued=queued,
        function=function.function,
        watchdog=watched.function,
        posture=audit.function if audit is not None else None,
        event_bus_name=bus.bus.name,
        topic_arn=topic.topic.arn,
        parent=parent,
        tags=tags,
    )
    return Pipeline(bus=bus, buffer=queued, topic=topic, notifier=function, watchdog=watched, posture=audit)
