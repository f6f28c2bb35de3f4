"""The notifier Lambda: an SQS batch of root-activity events in, one SNS notification per actor session out.

Invoked by the SQS event source mapping with ReportBatchItemFailures: the records of a notification that could
not be published are returned so SQS retries them (and its DLQ keeps them). Bad records never raise; they are
reported in the notification's ``unparseable`` list instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import heartbeat, jsonlog, publisher
from .accounts import AccountNameResolver, parse_account_names, static_resolver
from .digest import fold
from .intake import read_batch
from .sns_message import PublishRequest, build_publish_request

BatchResponse = dict[str, list[dict[str, str]]]
Publish = Callable[[PublishRequest], object]


class MissingTopicError(RuntimeError):
    """The function was deployed without the TOPIC_ARN environment variable."""


def lambda_handler(event: Any, context: Any) -> BatchResponse:
    """Entry point; reads TOPIC_ARN and ACCOUNT_NAMES on every invocation, not at import."""
    topic_arn = os.environ.get("TOPIC_ARN", "").strip()
    if not topic_arn:
        message = "TOPIC_ARN is not set: set it to the ARN of the SNS topic the notifier publishes to"
        jsonlog.error(message)
        raise MissingTopicError(message)
    names = parse_account_names(os.environ.get("ACCOUNT_NAMES"))
    return handle_batch(event, topic_arn, static_resolver(names))


def handle_batch(
    event: Any,
    topic_arn: str,
    resolve_account_name: AccountNameResolver = str,
    publish: Publish = publisher.publish,
) -> BatchResponse:
    """Read, fold and publish one SQS batch; returns the message IDs whose notification was not published."""
    # Heartbeat hook (issue 9): heartbeats are recorded in the hub's table, never notified.
    beats, event = heartbeat.split_heartbeats(event)
    failed: list[str] = heartbeat.record_heartbeats(beats, heartbeat.table_name())
    intake = read_batch(event)
    for ignored in intake.ignored:
        jsonlog.warning(
            "non-root event reached the notifier (check the rule's pattern); not notified",
            messageId=ignored.message_id,
            eventID=ignored.event_id,
            eventName=ignored.event_name,
            userIdentityType=ignored.identity_type,
        )
    for record in intake.unparseable:
        jsonlog.error(
            "unparseable record; reported in a notification",
            messageId=record.message_id,
            reason=record.reason,
        )
    published = 0
    for notification in fold(intake):
        try:
            request = build_publish_request(
                notification, topic_arn, resolve_account_name(notification.account_id)
            )
            publish(request)
        # Throttling, KMS, a missing topic or a bug: hand the records back for retry, never lose them.
        except Exception as exc:
            jsonlog.error(
                "notification not published; its records are returned for retry",
                messageIds=notification.message_ids,
                accountId=notification.account_id,
                errorType=type(exc).__name__,
                error=str(exc),
            )
            failed.extend(notification.message_ids)
        else:
            published += 1
    jsonlog.info(
        "batch done",
        rootEvents=len(intake.events),
        unparseable=len(intake.unparseable),
        ignored=len(intake.ignored),
        notificationsPublished=published,
        recordsReturnedForRetry=len(failed),
    )
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in dict.fromkeys(failed)]}
