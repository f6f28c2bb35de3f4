"""A root-activity notification for people: SNS subject, email text and an AWS Chatbot custom notification."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from .advice import next_steps
from .cut import Clipper, Cut, listed_entries
from .root_event import RootEvent
from .root_notification import Entry, RootNotification, Summary, mfa_label
from .runbook import root_activity_class, runbook_url
from .severity import ASSUME_ROOT_LABEL
from .sns_request import compact_json, subject_line
from .textsafe import md_code, md_plain, one_line, shorten

CHATBOT_EVENTS = 10
CHATBOT_FIELD_CHARS = 200
CHATBOT_DESCRIPTION_CHARS = 3500
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


@dataclass(frozen=True, slots=True)
class Headline:
    """What names a notification once its grading is final: worked out once per publish request and shared by
    the subject, the attributes, the email, the chat message and the document, which would otherwise each
    find the most severe event again."""

    severity: str
    top: Entry | None
    """The most severe, earliest entry; None when the notification holds only unparseable records."""
    title: str
    runbook: str
    next_steps: list[str]


def headline(notification: RootNotification) -> Headline:
    top = notification.top
    return Headline(
        severity=notification.severity_given(top).name,
        top=top,
        title=_title(notification, top),
        runbook=runbook_url(root_activity_class(top)),
        next_steps=next_steps(notification),
    )


def _title(notification: RootNotification, top: Entry | None) -> str:
    if top is None:
        count = len(notification.unparseable)
        return f"{count} unreadable record{'s' if count != 1 else ''} reached the root activity notifier"
    if top.verdict.kind == "password-guessing":  # its reason already counts the sign-ins and addresses
        return top.verdict.reason
    more = notification.event_count - 1
    return top.verdict.reason + (f" and {more} more root event{'s' if more != 1 else ''}" if more else "")


def subject(notification: RootNotification, account_name: str, head: Headline | None = None) -> str:
    """The SNS subject of a root-activity notification."""
    head = head or headline(notification)
    return subject_line(head.severity, head.title, notification.account_id, account_name)


def console_url(event: RootEvent) -> str:
    """The CloudTrail event history page of the event; empty when the region is not a region name."""
    if not _REGION.match(event.aws_region) or not event.event_id:
        return ""
    region = event.aws_region
    return (
        f"https://{region}.console.aws.amazon.com/cloudtrail/home?region={region}"
        f"#/events/{quote(event.event_id, safe='')}"
    )


def email_text(
    notification: RootNotification,
    account_name: str,
    clipper: Clipper,
    blocks: list[str] | None = None,
    head: Headline | None = None,
) -> str:
    """The email; ``blocks`` are the listed events already rendered by ``event_block``, oldest first."""
    head = head or headline(notification)
    clip = clipper.field
    lines = [
        f"ROOT USER ACTIVITY - {head.severity}",
        one_line(clip(head.title)),
        "",
        f"Account: {one_line(clip(account_name))} ({one_line(clip(notification.account_id))})",
    ]
    if notification.entries:
        lines += _summary_lines(notification.summary, notification, clipper)
        if blocks is None:
            blocks = [event_block(entry, clipper) for entry in listed_entries(notification, clipper)]
        lines += ["", f"Events ({len(blocks)} of {notification.event_count} listed, oldest first):"]
        lines += blocks
    if notification.unparseable:
        shown = clipper.items(notification.unparseable)
        lines += ["", f"Unreadable records ({len(shown)} of {len(notification.unparseable)} shown):"]
        for record in shown:
            lines += [
                f"- SQS message {one_line(clip(record.message_id))}: {one_line(clip(record.reason))}",
                f"  raw body: {one_line(clipper.raw(record.raw_body))}",
            ]
    lines += ["", "What to do next:"] + [f"- {step}" for step in head.next_steps]
    lines.append(f"Runbook: {one_line(clip(head.runbook))}")
    return "\n".join(lines) + "\n"


def _summary_lines(summary: Summary, notification: RootNotification, clipper: Clipper) -> list[str]:
    clip = clipper.field

    def listing(values: list[str]) -> str:
        return ", ".join(one_line(clip(v)) for v in clipper.items(values)) or "not recorded"

    names = ", ".join(f"{one_line(clip(n))} x{c}" for n, c in clipper.items(summary.event_names))
    lines = [
        _who(notification, summary),
        f"What: {notification.event_count} event{'s' if notification.event_count != 1 else ''}: {names}",
        f"When: {one_line(clip(summary.first_time))} to {one_line(clip(summary.last_time))} (UTC)",
        f"Where: {listing(summary.regions)}",
        f"From: {listing(summary.source_ips)}",
        f"User agents: {listing(summary.user_agents)}",
    ]
    if summary.mfa:
        lines.append(f"MFA at sign-in: {listing(summary.mfa)}")
    lines.append(f"Errors: {listing(summary.errors)}" if summary.errors else "Errors: none")
    return lines


def event_block(entry: Entry, clipper: Clipper) -> str:
    """One event's lines in the email."""
    return "\n".join(_event_lines(entry, clipper))


def _who(notification: RootNotification, summary: Summary) -> str:
    callers = {c.caller for e in notification.entries if (c := e.event.assume_root_call or e.through)}
    if callers:  # the role that opened the session is the person to ask, not "the root user"
        return f"Who: {', '.join(sorted(one_line(c) for c in callers))}, through {ASSUME_ROOT_LABEL}"
    return "Who: the root user" + (f", through {ASSUME_ROOT_LABEL}" if summary.assumed_root else "")


def _event_lines(entry: Entry, clipper: Clipper) -> list[str]:
    e, clip = entry.event, clipper.field
    lines = [
        f"* [{entry.verdict.severity.name}] {one_line(clip(e.event_time))} {one_line(clip(e.aws_region))} "
        f"{one_line(clip(e.event_name))} ({one_line(clip(e.event_source))})",
        f"  {one_line(clip(entry.verdict.reason))}",
        f"  from {one_line(clip(e.source_ip)) or '-'} with {one_line(clip(e.user_agent)) or '-'}",
    ]
    if e.event_name == "ConsoleLogin":
        lines.append(
            f"  MFA: {mfa_label(e.mfa_used)}; result: {one_line(clip(e.console_login)) or 'not recorded'}"
        )
    if e.failed:
        error = (
            f"{clip(e.error_code)} {clip(e.error_message)}".strip() or f"{clip(e.result)} (responseElements)"
        )
        lines.append(f"  error: {one_line(error)}")
    url = console_url(e)
    lines.append(f"  {url}" if url else f"  event ID: {one_line(clip(e.event_id)) or 'not recorded'}")
    return lines


def chatbot(notification: RootNotification, account_name: str, head: Headline | None = None) -> str:
    """An AWS Chatbot custom notification (Slack/Teams), short by design: the email has every detail."""
    head = head or headline(notification)
    clipper = Clipper(
        Cut(field_chars=CHATBOT_FIELD_CHARS, raw_chars=CHATBOT_FIELD_CHARS, max_items=CHATBOT_EVENTS)
    )
    clip = clipper.field
    lines = [f"*Account:* {md_code(clip(account_name))} ({md_code(clip(notification.account_id))})"]
    if notification.entries:
        summary = notification.summary
        names = ", ".join(f"{md_code(clip(n))} x{c}" for n, c in clipper.items(summary.event_names))
        lines += [
            f"*Events:* {notification.event_count}: {names}",
            f"*When:* {md_code(clip(summary.first_time))} to {md_code(clip(summary.last_time))} UTC",
            f"*From:* {', '.join(md_code(clip(ip)) for ip in clipper.items(summary.source_ips)) or '-'}",
        ]
        if summary.assumed_root:
            lines.append(f"*Session:* {ASSUME_ROOT_LABEL}")
        lines.append("*Most severe events:*")
        for entry in clipper.items(notification.by_priority()):
            link = console_url(entry.event)
            lines.append(
                f"- {entry.verdict.severity.name} {md_code(clip(entry.verdict.reason))} "
                f"in {md_code(clip(entry.event.aws_region))}" + (f" [CloudTrail]({link})" if link else "")
            )
    if notification.unparseable:
        lines.append(
            f"*Unreadable records:* {len(notification.unparseable)}; see the email or JSON document."
        )
        lines += [
            f"- {md_code(clip(r.message_id))}: {md_code(clip(r.reason))}"
            for r in clipper.items(notification.unparseable)
        ]
    if clipper.clipped:
        lines.append("_Shortened: the email and the JSON document have every event._")
    description = shorten("\n".join(lines), CHATBOT_DESCRIPTION_CHARS)
    content = {
        "textType": "client-markdown",
        "title": f"[{head.severity}] {md_plain(shorten(head.title, 200))}",
        "description": description,
        "nextSteps": head.next_steps,
        "keywords": ["root-activity", head.severity],
    }
    return compact_json({"version": "1.0", "source": "custom", "content": content})
