"""A root-activity notification as an SNS publish request, cut until it fits SNS's 256 KB.

When the request is too big, fields and then the least severe events are cut, and the document says
``truncated: true``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .cut import FULL, Clipper, Cut
from .root_document import CATEGORY, document_json, event_json
from .root_notification import Entry, RootNotification, priority
from .root_render import Headline, chatbot, email_text, event_block, headline, subject
from .sns_request import SNS_MESSAGE_LIMIT, PublishRequest, message_attributes, structured_message

UNPARSEABLE_EVENT_NAME = "UnparseableRecord"
# Ever smaller caps on text fields before any event is dropped; the first cut shows everything. The last
# still shows a whole title, browser user agent or error message; below it, dropping events loses less.
FIELD_CUTS = (
    FULL,
    Cut(field_chars=4096, raw_chars=16384),
    Cut(field_chars=1024, raw_chars=4096),
    Cut(field_chars=256, raw_chars=1024),
)


def attributes(notification: RootNotification, head: Headline) -> dict[str, str]:
    """The message attributes; ``eventName`` is the most severe, earliest event's."""
    event_name = head.top.event.event_name if head.top is not None else UNPARSEABLE_EVENT_NAME
    return message_attributes(CATEGORY, head.severity, notification.account_id, event_name)


def build_publish_request(
    notification: RootNotification, topic_arn: str, account_name: str
) -> PublishRequest:
    """The request to publish, cut until it fits SNS's limit.

    Each event is rendered once per field cut (the email block and the JSON object); the parts are then only
    joined, and, when too many, their sizes in the message say which of the most severe fit.
    """
    head = headline(notification)
    title_line = subject(notification, account_name, head)
    filters = attributes(notification, head)
    https = chatbot(notification, account_name, head)
    entries = notification.entries
    by_time = sorted(range(len(entries)), key=lambda i: entries[i].event.event_time)

    def assemble(clipper: Clipper, parts: list[_Part], listed: list[int]) -> PublishRequest:
        chosen = set(listed)
        shown = [i for i in by_time if i in chosen] if len(listed) < len(entries) else by_time
        truncated = clipper.clipped or len(shown) < len(entries)
        text = email_text(notification, account_name, clipper, [parts[i].email for i in shown], head)
        events = [parts[i].doc for i in shown]
        doc = document_json(notification, account_name, clipper, events, head, truncated=truncated)
        message = structured_message(doc, text, https)
        return PublishRequest(
            topic_arn, title_line, message, filters, truncated, tuple(notification.message_ids)
        )

    # One clipper for the events and the rest: its longest field decides which cuts can help.
    clipper = Clipper(FULL)
    parts = _render(entries, clipper)
    request = assemble(clipper, parts, by_time)
    for cut in FIELD_CUTS[1:]:
        if request.size <= SNS_MESSAGE_LIMIT:
            return request
        if clipper.longest > (cut.field_chars or 0):  # otherwise this cut would change nothing
            clipper = Clipper(cut)
            parts = _render(entries, clipper)
            request = assemble(clipper, parts, by_time)
    if request.size <= SNS_MESSAGE_LIMIT:
        return request
    # Still too big with short fields: list the most severe events that fit, and fewer summary values
    # and unparseable records; the sizes of the parts say how many at once, the loop only corrects.
    smallest = FIELD_CUTS[-1]
    by_priority = sorted(range(len(entries)), key=lambda i: priority(entries[i]))
    sizes = [_size(p) for p in parts]
    listed_size = sum(sizes)
    items = _item_count(notification)
    while request.size > SNS_MESSAGE_LIMIT and items > 0:
        items = min(items - 1, int(items * SNS_MESSAGE_LIMIT / request.size * 0.95))
        clipper = Clipper(Cut(smallest.field_chars, smallest.raw_chars, max(items, 0)))
        budget = SNS_MESSAGE_LIMIT - (request.size - listed_size)
        keep = _fitting(by_priority, sizes, min(items, len(entries)), budget)
        listed_size = sum(sizes[i] for i in keep)
        request = assemble(clipper, parts, keep)
    return request


@dataclass(frozen=True, slots=True)
class _Part:
    email: str
    doc: str


def _render(entries: list[Entry], clipper: Clipper) -> list[_Part]:
    return [_Part(event_block(entry, clipper), event_json(entry, clipper)) for entry in entries]


def _size(part: _Part) -> int:
    """Bytes an event adds to the SNS message once both parts are escaped into it: their JSON string
    lengths, less quotes, plus separators. Only measured when events must be dropped to fit."""
    return len(json.dumps(part.email)) + len(json.dumps(part.doc)) - 1


def _fitting(by_priority: list[int], sizes: list[int], most: int, budget: int) -> list[int]:
    keep: list[int] = []
    for index in by_priority[:most]:
        budget -= sizes[index]
        if budget < 0:
            break
        keep.append(index)
    return keep


def _item_count(notification: RootNotification) -> int:
    return max(len(notification.entries), len(notification.unparseable), 1)
