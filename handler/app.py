"""The notifier Lambda: an SQS batch in, one SNS notification per incident out, heartbeats recorded.

Invoked by the SQS event source mapping with ReportBatchItemFailures. Each record is read once (intake) and
classified: root activity, tamper, heartbeat, unparseable or ignored. Within one time budget for the whole
batch, root notifications are published first, then tamper notifications, then heartbeats are written;
the records of whatever was not done (an error, or too little time left before the function's timeout) are
returned so SQS retries them (and its DLQ keeps them). Bad records never raise; they are reported instead.
"""

from __future__ import annotations

import os
from collections import Counter
from functools import partial
from typing import Any

from . import expected_use, heartbeat, heartbeat_interval, interval_message, jsonlog, posture_grade, publisher
from .accounts import AccountNameResolver, environment_resolver
from .assume_root_sessions import SessionTable, correlate, session_client
from .budget import DONE, OUT_OF_TIME, Budget, RemainingMillis
from .digest import fold
from .environment import TOPIC_ARN, required
from .intake import Intake, read_batch
from .publisher import Outgoing, Publish
from .root_document import CATEGORY as ROOT_ACTIVITY
from .root_message import build_publish_request
from .tamper import CATEGORY as TAMPER
from .tamper import fold_tamper, parse_deployers
from .tamper_message import build_tamper_request

BatchResponse = dict[str, list[dict[str, str]]]
# No call starts with less than this left: one publish at its worst, plus time to log and return.
SAFETY_MARGIN_MS = (publisher.WORST_CASE_SECONDS + 2) * 1000


def lambda_handler(event: Any, context: Any) -> BatchResponse:
    """Entry point; reads its environment (TOPIC_ARN, ACCOUNT_NAMES, ORGANIZATIONS_*) on every invocation."""
    (topic_arn,) = required(TOPIC_ARN)
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
    write_heartbeat: heartbeat.Update | None = None,
) -> BatchResponse:
    """Read, fold and publish one SQS batch; returns the message IDs whose work was not done."""
    budget = Budget(remaining_ms, SAFETY_MARGIN_MS)
    intake = read_batch(event)
    _log_intake(intake)
    notifications = fold(intake)
    table = heartbeat.table_name()
    if table:  # AssumeRoot calls and their sessions' actions meet across batches in the hub's table
        # The client is made inside the table's guarded call: even failing to make one holds nothing back.
        correlate(
            notifications, SessionTable(table, lambda **request: session_client().update_item(**request))
        )
    # An account audited without root credentials: its root activity is CRITICAL (posture_grade.py).
    posture_table = posture_grade.table_name()
    if posture_table is not None:
        posture_grade.grade_from_table(notifications, heartbeat.dynamodb_client(), posture_table)
    windows = expected_use.windows_from_environment()
    if windows:  # the clock is read only when some root use is expected
        expected_use.apply(notifications, windows, expected_use.now_utc())
    outgoing = [
        Outgoing(ROOT_ACTIVITY, n.account_id, n.message_ids, partial(build_publish_request, n, topic_arn))
        for n in notifications
    ] + [
        Outgoing(TAMPER, n.account_id, n.message_ids, partial(build_tamper_request, n, topic_arn))
        for n in fold_tamper(intake.tamper, deployers)
    ]
    outcomes = publisher.publish_all(outgoing, publish, resolve_account_name, budget)
    # A heartbeat slower than the watchdog tolerates is told once per pair (heartbeat_interval.py).
    check = heartbeat_interval.IntervalCheck.from_environment(
        os.environ, interval_message.notifier(topic_arn, publish, resolve_account_name)
    )
    heartbeats_returned = heartbeat.record_heartbeats(
        intake.heartbeats, table, budget, write_heartbeat, check
    )
    returned = [m for item, o in zip(outgoing, outcomes, strict=True) if o != DONE for m in item.message_ids]
    returned += heartbeats_returned
    published = Counter(item.category for item, o in zip(outgoing, outcomes, strict=True) if o == DONE)
    counts = Counter(outcomes)
    jsonlog.info(
        "batch done",
        rootEvents=len(intake.events),
        tamperEvents=len(intake.tamper),
        heartbeats=len(intake.heartbeats),
        unparseable=len(intake.unparseable),
        ignored=len(intake.ignored),
        notificationsPublished=counts[DONE],
        publishedByCategory=dict(published),
        notificationsFailed=len(outcomes) - counts[DONE] - counts[OUT_OF_TIME],
        notificationsOutOfTime=counts[OUT_OF_TIME],
        recordsReturnedForRetry=len(set(returned)),
    )
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in dict.fromkeys(returned)]}


def _log_intake(intake: Intake) -> None:
    """One line each for ignored and unparseable records, however many there are (bounded by jsonlog)."""
    if intake.ignored:
        jsonlog.warning(
            "non-root records that are neither tamper nor heartbeats reached the notifier "
            "(check the rules' patterns); not notified",
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
