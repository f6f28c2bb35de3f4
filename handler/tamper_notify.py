"""The app's one call for tamper alerts: take tamper records out of a batch, publish, return failures.

Kept apart from the root-activity path so ``app.py`` needs a single hook: records intake ignored as
non-root are offered here first; tamper records become notifications, the rest stay ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import jsonlog
from .sns_message import PublishRequest
from .tamper import fold_tamper
from .tamper_intake import take_tamper
from .tamper_message import build_tamper_request


def notify_tamper(
    sqs_event: object,
    ignored: Iterable[Any],
    *,
    topic_arn: str,
    resolve_account_name: Callable[[str], str],
    publish: Callable[[PublishRequest], object],
    deployers: frozenset[str],
) -> tuple[list[str], list[Any]]:
    """(message IDs to retry, records still ignored): a notification not published hands its records back."""
    events, still_ignored = take_tamper(sqs_event, ignored)
    failed: list[str] = []
    for notification in fold_tamper(events, deployers):
        try:
            request = build_tamper_request(
                notification, topic_arn, resolve_account_name(notification.account_id)
            )
            publish(request)
        # Throttling, KMS, a missing topic or a bug: hand the records back for retry, never lose them.
        except Exception as exc:
            jsonlog.error(
                "tamper notification not published; its records are returned for retry",
                messageIds=notification.message_ids,
                accountId=notification.account_id,
                errorType=type(exc).__name__,
                error=str(exc),
            )
            failed.extend(notification.message_ids)
        else:
            jsonlog.info(
                "tamper notification published",
                accountId=notification.account_id,
                severity=notification.severity.name,
                changes=len(notification.entries),
            )
    return failed, still_ignored
