"""The monitoring-gap notification: one per account and watchdog run, as email text, JSON and a Chatbot card.

Same delivery as root-activity notifications (``MessageStructure=json``: ``email``, ``https`` for AWS
Chatbot, ``default`` for every other protocol) and the same document fields, with ``category``
``monitoring-gap`` and one entry per (region, change) in ``events``. A watchdog message lists at most a few
dozen regions, far below SNS's 256 KB.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from .envelope import envelope, event_fields
from .gaps import NEVER, RECOVERED, SILENT, Change
from .runbook import runbook_url
from .sns_request import (
    PublishRequest,
    chatbot_card,
    compact_json,
    message_attributes,
    structured_message,
    subject_line,
)
from .textsafe import md_plain

CATEGORY = "monitoring-gap"
EVENT_NAMES = {SILENT: "HeartbeatMissing", NEVER: "HeartbeatNeverReceived", RECOVERED: "HeartbeatRecovered"}
SEVERITIES = {SILENT: "HIGH", NEVER: "HIGH", RECOVERED: "INFO"}
WHAT_TO_DO = (
    "Until the heartbeat returns, root activity in a silent region may go unnoticed. Check, in that "
    "account and region: the CloudTrail trail is logging (aws cloudtrail get-trail-status) and records "
    "management events; the root-activity-monitor forwarding rules exist, are in state "
    "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS and target the hub bus; the heartbeat schedule and its "
    "role exist; the forwarding dead-letter queue is empty. See docs/operations.md, section Heartbeat."
)


def when(epoch: int | None) -> str:
    """ISO 8601 in UTC, or an empty string."""
    return "" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def severity(changes: Sequence[Change]) -> str:
    """HIGH while any region is silent or never heard; INFO when the run only saw recoveries."""
    return "HIGH" if any(change.kind != RECOVERED for change in changes) else "INFO"


def reason(change: Change, now: int) -> str:
    """One sentence per change, for the email, the document and the card."""
    if change.kind == SILENT:
        return f"no heartbeat since {when(change.last_heard)} ({_duration(now - (change.since or now))})"
    if change.kind == NEVER:
        waited = _duration(now - (change.since or now))
        return f"no heartbeat ever received; expected since {when(change.since)} ({waited})"
    return f"heartbeat heard again at {when(change.last_heard)}"


def title(changes: Sequence[Change]) -> str:
    gaps = [change for change in changes if change.kind != RECOVERED]
    if not gaps:
        return f"Monitoring restored in {_regions(changes)}"
    return f"Monitoring gap: no heartbeat from {_regions(gaps)}"


def document(account_id: str, account_name: str, changes: Sequence[Change], now: int) -> dict[str, Any]:
    """The JSON document (the schema in docs/notifications.md), one event per change."""
    return envelope(
        category=CATEGORY,
        severity=severity(changes),
        title=title(changes),
        account_id=account_id,
        account_name=account_name,
        event_count=len(changes),
        events=[
            event_fields(
                event_id=f"{CATEGORY}:{account_id}:{change.region}:{change.kind}:{now}",
                event_name=EVENT_NAMES[change.kind],
                event_time=when(now),
                aws_region=change.region,
                source_ip="",
                user_agent="",
                severity=SEVERITIES[change.kind],
                reason=reason(change, now),
            )
            | {"lastHeard": when(change.last_heard)}
            for change in changes
        ],
        truncated=False,
    )


def email_text(account_id: str, account_name: str, changes: Sequence[Change], now: int) -> str:
    lines = [title(changes), "", f"Account: {account_name} ({account_id})", f"Checked: {when(now)}", ""]
    lines += [f"- {change.region}: {EVENT_NAMES[change.kind]}: {reason(change, now)}" for change in changes]
    if any(change.kind != RECOVERED for change in changes):
        lines += ["", "What to do:", WHAT_TO_DO]
    lines.append(f"Runbook: {runbook_url(CATEGORY)}")
    return "\n".join(lines) + "\n"


def chatbot(account_id: str, account_name: str, changes: Sequence[Change], now: int) -> str:
    """An AWS Chatbot custom notification (Slack/Teams)."""
    rows = [f"*{change.region}*: {md_plain(reason(change, now))}" for change in changes]
    heading = md_plain(f"[{severity(changes)}] {title(changes)} - {account_name} ({account_id})")
    return chatbot_card(heading, "\n".join(rows))


def publish_request(
    topic_arn: str, account_id: str, account_name: str, changes: Sequence[Change], now: int
) -> PublishRequest:
    """The request for one account's changes in one watchdog run."""
    level = severity(changes)
    gaps = [change for change in changes if change.kind != RECOVERED]
    what = f"Monitoring gap in {_count(gaps)}" if gaps else f"Monitoring restored in {_count(changes)}"
    message = structured_message(
        compact_json(document(account_id, account_name, changes, now)),
        email_text(account_id, account_name, changes, now),
        chatbot(account_id, account_name, changes, now),
    )
    attributes = message_attributes(CATEGORY, level, account_id, EVENT_NAMES[changes[0].kind])
    subject = subject_line(level, what, account_id, account_name)
    return PublishRequest(topic_arn, subject, message, attributes, False, ())


def _regions(changes: Sequence[Change]) -> str:
    names = [change.region for change in changes]
    return names[0] if len(names) == 1 else f"{len(names)} regions ({', '.join(names)})"


def _count(changes: Sequence[Change]) -> str:
    return changes[0].region if len(changes) == 1 else f"{len(changes)} regions"


def _duration(seconds: int) -> str:
    minutes = max(0, seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
