"""A tamper notification as an SNS request: email text, AWS Chatbot card and the JSON document.

Same envelope as every notification (``envelope.py``), with ``actor`` (the one actor, or how many) and
``actors`` (each with its number of changes) added, so subscribers need one parser. A request over SNS's
limit lists fewer events and actors, and ever shorter fields, until it fits. Every cut goes through the one
``cut.Clipper`` root notifications use, so the document says ``truncated: true`` whenever anything was cut,
already at the first, widest cut.
"""

from __future__ import annotations

from typing import Any

from .cut import Clipper, Cut
from .envelope import envelope, event_fields
from .runbook import runbook_url
from .sns_request import (
    SNS_MESSAGE_LIMIT,
    PublishRequest,
    compact_json,
    message_attributes,
    structured_message,
    subject_line,
)
from .tamper import CATEGORY, TamperEntry, TamperNotification
from .textsafe import md_code, md_plain, one_line, shorten, valid_unicode

CHATBOT_EVENTS = 10
CHATBOT_DESCRIPTION_CHARS = 3500
# Events (and actors) listed, characters per field: the first shows everything a real batch holds.
CUTS = (
    Cut(field_chars=4096, max_items=1000),
    Cut(field_chars=1024, max_items=200),
    Cut(field_chars=256, max_items=50),
    Cut(field_chars=128, max_items=10),
)
NEXT_STEPS = (
    "Ask the actor named above whether they made this change and why; if nobody did, treat it as a "
    "security incident: their credentials may be in the wrong hands.",
    "Undo it: redeploy the monitor (`pulumi up` on the hub or spoke stack), restart trail logging, or "
    "cancel a key deletion (kms cancel-key-deletion) before the monitor stays blind.",
    "Root activity during the change may not have been reported: review CloudTrail event history for "
    "root use in this account since the change.",
)
DEPLOYER_STEP = "A change by the configured deployer: expected during a deployment; check one was running."


def title(notification: TamperNotification) -> str:
    more = len(notification.entries) - 1
    return notification.top.reason + (f" and {more} more change{'s' if more != 1 else ''}" if more else "")


def subject(notification: TamperNotification, account_name: str) -> str:
    """``[SEVERITY] Tamper: title - name (id)``."""
    return subject_line(
        notification.severity.name, f"Tamper: {title(notification)}", notification.account_id, account_name
    )


def next_steps(notification: TamperNotification) -> list[str]:
    if all(entry.by_deployer for entry in notification.entries):
        return [DEPLOYER_STEP]
    return list(NEXT_STEPS)


def email_text(notification: TamperNotification, account_name: str, clipper: Clipper) -> str:
    def clip(text: str) -> str:
        return one_line(clipper.field(text))

    listed = clipper.items(notification.by_priority())
    actors = notification.actors
    lines = [
        f"MONITOR TAMPERING - {notification.severity.name}",
        clip(title(notification)),
        "",
        f"Account: {clip(account_name)} ({clip(notification.account_id)})",
        f"Who: {clip(notification.actor)}",
    ]
    if len(actors) > 1:
        shown = clipper.items(actors)
        lines += [f"  {clip(actor)}: {count} change{'s' if count != 1 else ''}" for actor, count in shown]
        if len(shown) < len(actors):
            lines.append(f"  ... and {len(actors) - len(shown):,} more")
    lines += [
        "",
        f"Changes ({len(listed)} of {len(notification.entries)} listed, most severe first):",
    ]
    for entry in listed:
        e = entry.event
        lines += [
            f"* [{entry.severity.name}] {clip(e.event_time)} {clip(e.aws_region)} {clip(e.event_name)} "
            f"({clip(e.event_source)})",
            f"  {clip(entry.reason)}",
            f"  resource: {clip(e.resource)}",
            f"  by {clip(e.actor)} from {clip(e.source_ip) or '-'} with {clip(e.user_agent) or '-'}",
        ]
        if e.error_code or e.error_message:
            lines.append(f"  error: {clip(e.error_code)} {clip(e.error_message)}".rstrip())
        lines.append(f"  event ID: {clip(e.event_id)}")
    lines += ["", "What to do next:"] + [f"- {step}" for step in next_steps(notification)]
    lines.append(f"Runbook: {clip(runbook_url(CATEGORY))}")
    return "\n".join(lines) + "\n"


def document(notification: TamperNotification, account_name: str, clipper: Clipper) -> dict[str, Any]:
    """The document; ``truncated`` says whether this clipper cut anything so far (this document included)."""

    def clip(text: str) -> str:
        return valid_unicode(clipper.field(text))

    def event(entry: TamperEntry) -> dict[str, Any]:
        e = entry.event
        doc = event_fields(
            event_id=clip(e.event_id),
            event_name=clip(e.event_name),
            event_time=clip(e.event_time),
            aws_region=clip(e.aws_region),
            source_ip=clip(e.source_ip),
            user_agent=clip(e.user_agent),
            severity=entry.severity.name,
            reason=clip(entry.reason),
        )
        doc |= {
            "eventSource": clip(e.event_source),
            "actor": clip(e.actor),
            "resource": clip(e.resource),
            "byDeployer": entry.by_deployer,
        }
        optional = {
            "sessionIssuer": e.issuer,
            "errorCode": e.error_code,
            "errorMessage": e.error_message,
            "claimedAccountId": e.claimed_account,
        }
        doc.update((key, clip(value)) for key, value in optional.items() if value)
        return doc

    listed = clipper.items(notification.by_priority())
    actors = clipper.items(notification.actors)
    doc = envelope(
        category=CATEGORY,
        severity=notification.severity.name,
        title=clip(title(notification)),
        account_id=clip(notification.account_id),
        account_name=clip(account_name),
        extra={
            "actor": clip(notification.actor),
            "actors": [{"actor": clip(actor), "changes": count} for actor, count in actors],
        },
        event_count=len(notification.entries),
        events=[event(entry) for entry in listed],
        truncated=False,
    )
    doc["truncated"] = clipper.clipped  # read once every field above went through the clipper
    return doc


def chatbot(notification: TamperNotification, account_name: str) -> str:
    """An AWS Chatbot custom notification: who, and the most severe changes."""
    lines = [
        f"*Account:* {md_code(shorten(account_name, 200))} ({md_code(notification.account_id)})",
        f"*Who:* {md_code(shorten(notification.actor, 300))}",
        f"*Changes:* {len(notification.entries)}",
    ]
    for entry in notification.by_priority()[:CHATBOT_EVENTS]:
        lines.append(
            f"- {entry.severity.name} {md_code(shorten(entry.reason, 300))} "
            f"in {md_code(entry.event.aws_region)}"
        )
    content = {
        "textType": "client-markdown",
        "title": f"[{notification.severity.name}] Tamper: {md_plain(shorten(title(notification), 200))}",
        "description": shorten("\n".join(lines), CHATBOT_DESCRIPTION_CHARS),
        "nextSteps": next_steps(notification),
        "keywords": [CATEGORY, notification.severity.name],
    }
    return compact_json({"version": "1.0", "source": "custom", "content": content})


def attributes(notification: TamperNotification) -> dict[str, str]:
    return message_attributes(
        CATEGORY, notification.severity.name, notification.account_id, notification.top.event.event_name
    )


def build_tamper_request(
    notification: TamperNotification, topic_arn: str, account_name: str
) -> PublishRequest:
    """The request to publish, listing fewer events with shorter fields until it fits SNS's limit."""
    for cut in CUTS:
        clipper = Clipper(cut)
        text = email_text(notification, account_name, clipper)
        doc = document(notification, account_name, clipper)
        message = structured_message(compact_json(doc), text, chatbot(notification, account_name))
        request = PublishRequest(
            topic_arn,
            subject(notification, account_name),
            message,
            attributes(notification),
            bool(doc["truncated"]),
            tuple(notification.message_ids),
        )
        if request.size <= SNS_MESSAGE_LIMIT:
            return request
    return request  # the smallest cut: ten events of 128 characters always fit
