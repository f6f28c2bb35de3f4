"""The notifier Lambda: an SQS batch of root-activity events in, one SNS notification per incident out.

Invoked by the SQS event source mapping with ReportBatchItemFailures: the records of a notification that was
not published (an error, or too little time left before the function's timeout) are returned so SQS retries
them (and its DLQ keeps them). Bad records never raise; they are reported in notifications instead.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import heartbeat, jsonlog, publisher
from .accounts import AccountNameResolver, environment_resolver
from .digest import fold
from .intake import Intake, read_batch
from .notification import Notification
from .sns_message import PublishRequest, build_publish_request
from .tamper import parse_deployers
from .tamper_notify import notify_tamper

BatchResponse = dict[str, list[dict[str, str]]]
Publish = Callable[[PublishRequest], object]
RemainingMillis = Callable[[], float]
# No publish starts with less than this left: one publish at its worst, plus time to log and return.
SAFETY_MARGIN_MS = (publisher.WORST_CASE_SECONDS + 2) * 1000
# A few publishes in flight cover SNS's latency without tripping its per-topic throttling.
PUBLISH_WORKERS = 4


class MissingTopicError(RuntimeError):
    """The function was deployed without the TOPIC_ARN environment variable."""


def lambda_handler(event: Any, context: Any) -> BatchResponse:
    """Entry point; reads its environment (TOPIC_ARN, ACCOUNT_NAMES, ORGANIZATIONS_*) on every invocation."""
    topic_arn = os.environ.get("TOPIC_ARN", "").strip()
    if not topic_arn:
        message = "TOPIC_ARN is not set: set it to the ARN of the SNS topic the notifier publishes to"
        jsonlog.error(message)
        raise MissingTopicError(message)
    names = environment_resolver(os.environ, heartbeat.table_name())
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    deployers = parse_deployers(os.environ.get("DEPLOYER_PRINCIPAL_ARNS"))
    return handle_batch(event, topic_arn, names, remaining_ms=remaining, deployers=deployers)


def handle_batch(
    event: Any,
    topic_arn: str,
    resolve_account_name: AccountNameResolver = str,
    publish: Publish = publisher.publish,
    *,
    remaining_ms: RemainingMillis | None = None,
    deployers: frozenset[str] = frozenset(),
) -> BatchResponse:
    """Read, fold and publish one SQS batch; returns the message IDs whose notification was not published."""
    # Heartbeats are recorded in the hub's table, never notified (heartbeat.py).
    beats, event = heartbeat.split_heartbeats(event)
    heartbeat_failed = heartbeat.record_heartbeats(beats, heartbeat.table_name())
    intake = read_batch(event)
    # Non-root records reach the notifier only through the tamper rules: they are tamper alerts (tamper*.py).
    tamper_failed, intake.ignored = notify_tamper(
        event,
        intake.ignored,
        topic_arn=topic_arn,
        resolve_account_name=resolve_account_name,
        publish=publish,
        deployers=deployers,
    )
    _log_intake(intake)
    # A monotonic deadline read once: the context's clock is the function's timeout, ours is cheap.
    deadline = time.monotonic() + (remaining_ms() - SAFETY_MARGIN_MS) / 1000 if remaining_ms else None

    def send(notification: Notification) -> str:
        if deadline is not None and time.monotonic() > deadline:
            return "out of time"
        try:
            account_name = resolve_account_name(notification.account_id)
            publish(build_publish_request(notification, topic_arn, account_name))
        # Throttling, KMS, a missing topic or a bug: hand the records back for retry, never lose them.
        except Exception as exc:
            jsonlog.error(
                "notification not published; its records are returned for retry",
                messageIds=notification.message_ids,
                accountId=notification.account_id,
                exceptionType=type(exc).__name__,
                error=str(exc),
            )
            return "failed"
        return "published"

    notifications = fold(intake)
    if len(notifications) <= 1:
        outcomes = [send(n) for n in notifications]
    else:
        with ThreadPoolExecutor(max_workers=min(PUBLISH_WORKERS, len(notifications))) as pool:
            outcomes = list(pool.map(send, notifications))
    returned = (
        heartbeat_failed
        + tamper_failed
        + [m for n, o in zip(notifications, outcomes, strict=True) if o != "published" for m in n.message_ids]
    )
    counts = Counter(outcomes)
    if counts["out of time"]:
        jsonlog.error(
            "too little time left before the function's timeout; unpublished records are returned for retry",
            notificationsNotStarted=counts["out of time"],
            safetyMarginMs=SAFETY_MARGIN_MS,
        )
    jsonlog.info(
        "batch done",
        rootEvents=len(intake.events),
        unparseable=len(intake.unparseable),
        ignored=len(intake.ignored),
        notificationsPublished=counts["published"],
        notificationsFailed=counts["failed"],
        notificationsOutOfTime=counts["out of time"],
        recordsReturnedForRetry=len(set(returned)),
    )
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in dict.fromkeys(returned)]}


def _log_intake(intake: Intake) -> None:
    """One line each for ignored and unparseable records, however many there are (bounded by jsonlog)."""
    if intake.ignored:
        jsonlog.warning(
            "non-root events reached the notifier (check the rule's pattern); not notified",
            count=len(intake.ignored),
            identityTypes=dict(Counter(i.identity_type for i in intake.ignored).most_common()),
            eventNames=dict(Counter(i.event_name for i in intake.ignored).most_common()),
            messageIds=[i.message_id for i in intake.ignored],
        )
    if intake.unparseable:
        jsonlog.error(
            "unparseable records; reported in a notification",
            count=len(intake.unparseable),
            records=[{"messageId": r.message_id, "reason": r.reason} for r in intake.unparseable],
        )
