"""A root-activity notification's JSON document for machines (sqs, lambda, email-json, default subscribers).

The envelope is every category's (``envelope.py``); here are what root activity adds (``session``,
``summary``) and its events' fields.
"""

from __future__ import annotations

import json
from typing import Any

from .cut import Clipper
from .envelope import envelope, event_fields
from .root_notification import Entry, RootNotification
from .root_render import Headline
from .sns_request import compact_json

CATEGORY = "root-activity"


# Stands in for the events list so that events encoded one by one can be put in without encoding them again.
_EVENTS_SLOT = "\x00events\x00"
_ENCODED_SLOT = json.dumps(_EVENTS_SLOT)


def document_json(
    notification: RootNotification,
    account_name: str,
    clipper: Clipper,
    events: list[str],
    head: Headline,
    *,
    truncated: bool,
) -> str:
    """The document as compact JSON, with ``events`` the JSON objects from ``event_json``, oldest first."""
    clip = clipper.field
    summary = notification.summary
    doc = envelope(
        category=CATEGORY,
        runbook=clip(head.runbook),
        severity=head.severity,
        title=clip(head.title),
        account_id=clip(notification.account_id),
        account_name=clip(account_name),
        extra={
            "session": clip(notification.session),
            "summary": {
                "eventNames": [{"name": clip(n), "count": c} for n, c in clipper.items(summary.event_names)],
                "firstEventTime": clip(summary.first_time),
                "lastEventTime": clip(summary.last_time),
                "regions": [clip(v) for v in clipper.items(summary.regions)],
                "sourceIPAddresses": [clip(v) for v in clipper.items(summary.source_ips)],
                "userAgents": [clip(v) for v in clipper.items(summary.user_agents)],
                "assumedRoot": summary.assumed_root,
            },
        },
        event_count=notification.event_count,
        events=_EVENTS_SLOT,
        truncated=False,
        unparseable=[
            {"messageId": clip(r.message_id), "reason": clip(r.reason), "rawBody": clipper.raw(r.raw_body)}
            for r in clipper.items(notification.unparseable)
        ],
    )
    # Read after every field above went through the clipper.
    doc["truncated"] = truncated or clipper.clipped
    return compact_json(doc).replace(_ENCODED_SLOT, f"[{','.join(events)}]", 1)


def event_json(entry: Entry, clipper: Clipper) -> str:
    return compact_json(_event(entry, clipper))


def _event(entry: Entry, clipper: Clipper) -> dict[str, Any]:
    """Required keys always; optional keys only when CloudTrail gave a value, to save room."""
    e, clip = entry.event, clipper.field
    doc = event_fields(
        event_id=clip(e.event_id),
        event_name=clip(e.event_name),
        event_time=clip(e.event_time),
        aws_region=clip(e.aws_region),
        source_ip=clip(e.source_ip),
        user_agent=clip(e.user_agent),
        severity=entry.verdict.severity.name,
        reason=clip(entry.verdict.reason),
    )
    optional = {
        "eventSource": e.event_source,
        "invokedBy": e.invoked_by,
        "errorCode": e.error_code,
        "errorMessage": e.error_message,
        "mfaUsed": e.mfa_used,
        "consoleLogin": e.console_login,
        "result": e.result,
        "claimedAccountId": e.claimed_account,
    }
    doc.update((key, clip(value)) for key, value in optional.items() if value)
    if e.failed:
        doc["failed"] = True
    if e.assumed_root or entry.through is not None:
        doc["assumedRoot"] = True
    call = e.assume_root_call or entry.through
    if call is not None:
        doc["assumeRoot"] = {
            "targetAccountId": clip(call.target_account),
            "caller": clip(call.caller),
            "task": clip(call.task),
        }
        if call.refused:
            doc["assumeRoot"]["requestedTarget"] = clip(call.requested_target)
    return doc
