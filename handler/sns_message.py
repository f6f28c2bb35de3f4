"""The SNS publish request for one notification: a body per protocol, filter attributes, under 256 KB.

Published with ``MessageStructure=json``: ``email`` gets the text, ``https`` the AWS Chatbot notification,
and every other protocol (``sqs``, ``lambda``, ``email-json``, ``application``) the ``default`` body, the
JSON document. The document is written once, as ``default``, not repeated under ``sqs``/``lambda``/
``email-json``: SNS counts the whole message, subject and attributes against 262,144 bytes, and each copy
would take room from the events. When the request is too big, fields and then the least severe events are
cut, and the document says ``truncated: true``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from .cut import FULL, Clipper, Cut
from .document import CATEGORY, document_json, event_json
from .notification import Entry, Notification, priority
from .render import chatbot, email_text, event_block, subject
from .textsafe import one_line, shorten, valid_unicode

SNS_MESSAGE_LIMIT = 262_144
# SNS sends ``default`` to every protocol without a key of its own: sqs, lambda, email-json, application.
DOCUMENT_PROTOCOLS = ("default",)
UNPARSEABLE_EVENT_NAME = "UnparseableRecord"
ATTRIBUTE_CHARS = 256
# Ever smaller caps on text fields before any event is dropped; the first cut shows everything. The last
# still shows a whole title, browser user agent or error message; below it, dropping events loses less.
FIELD_CUTS = (
    FULL,
    Cut(field_chars=4096, raw_chars=16384),
    Cut(field_chars=1024, raw_chars=4096),
    Cut(field_chars=256, raw_chars=1024),
)


@dataclass(frozen=True, slots=True)
class PublishRequest:
    topic_arn: str
    subject: str
    message: str
    """The ``MessageStructure=json`` message: one body per protocol."""
    attributes: dict[str, str]
    truncated: bool
    message_ids: tuple[str, ...]
    """The SQS records behind this notification: what to retry if publishing fails."""

    @property
    def size(self) -> int:
        """Bytes SNS counts against its limit: message, subject and attribute names, types and values."""
        attributes = sum(
            len(k.encode()) + len(b"String") + len(v.encode()) for k, v in self.attributes.items()
        )
        return len(self.message.encode()) + len(self.subject.encode()) + attributes


def filter_attributes(values: Mapping[str, str]) -> dict[str, str]:
    """Message attributes for subscription filter policies: one line, valid UTF-8, 256 characters at most."""
    return {k: valid_unicode(shorten(one_line(v), ATTRIBUTE_CHARS)) or "unknown" for k, v in values.items()}


def structured_message(document_json: str, email: str, https: str) -> str:
    """The ``MessageStructure=json`` message: the JSON document for ``default`` (every protocol without a key
    of its own), the text for ``email``, the AWS Chatbot card for ``https``."""
    bodies = dict.fromkeys(DOCUMENT_PROTOCOLS, document_json) | {"email": email, "https": https}
    return json.dumps(bodies, separators=(",", ":"))


def message_attributes(notification: Notification) -> dict[str, str]:
    """``category``, ``severity``, ``accountId``, ``eventName`` (of the most severe, earliest event)."""
    top = notification.top
    event_name = top.event.event_name if top is not None else UNPARSEABLE_EVENT_NAME
    values = {
        "category": CATEGORY,
        "severity": notification.severity.name,
        "accountId": notification.account_id,
        "eventName": event_name,
    }
    return filter_attributes(values)


def build_publish_request(notification: Notification, topic_arn: str, account_name: str) -> PublishRequest:
    """The request to publish, cut until it fits SNS's limit.

    Each event is rendered once per field cut (the email block and the JSON object), and its size in the
    message is known; the parts are then only joined, and, when too many, the most severe that fit kept.
    """
    title_line = subject(notification, account_name)
    attributes = message_attributes(notification)
    https = chatbot(notification, account_name)
    entries = notification.entries
    by_time = sorted(range(len(entries)), key=lambda i: entries[i].event.event_time)

    def assemble(clipper: Clipper, parts: list[_Part], listed: list[int]) -> PublishRequest:
        chosen = set(listed)
        shown = [i for i in by_time if i in chosen] if len(listed) < len(entries) else by_time
        truncated = clipper.clipped or len(shown) < len(entries)
        text = email_text(notification, account_name, clipper, [parts[i].email for i in shown])
        doc = document_json(notification, account_name, clipper, [parts[i].doc for i in shown], truncated)
        message = structured_message(doc, text, https)
        return PublishRequest(
            topic_arn, title_line, message, attributes, truncated, tuple(notification.message_ids)
        )

    clipper, parts = Clipper(FULL), _render(entries, Clipper(FULL))
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
    listed_size = sum(p.size for p in parts)
    items = _item_count(notification)
    while request.size > SNS_MESSAGE_LIMIT and items > 0:
        items = min(items - 1, int(items * SNS_MESSAGE_LIMIT / request.size * 0.95))
        clipper = Clipper(Cut(smallest.field_chars, smallest.raw_chars, max(items, 0)))
        budget = SNS_MESSAGE_LIMIT - (request.size - listed_size)
        keep = _fitting(by_priority, parts, min(items, len(entries)), budget)
        listed_size = sum(parts[i].size for i in keep)
        request = assemble(clipper, parts, keep)
    return request


@dataclass(frozen=True, slots=True)
class _Part:
    email: str
    doc: str
    size: int
    """Bytes this event adds to the SNS message once both parts are escaped into it."""


def _render(entries: list[Entry], clipper: Clipper) -> list[_Part]:
    parts = []
    for entry in entries:
        email, doc = event_block(entry, clipper), event_json(entry, clipper)
        # Both are escaped once into the message: their JSON string lengths, less quotes, plus separators.
        size = len(json.dumps(email)) + len(json.dumps(doc)) - 1
        parts.append(_Part(email, doc, size))
    return parts


def _fitting(by_priority: list[int], parts: list[_Part], most: int, budget: int) -> list[int]:
    keep: list[int] = []
    for index in by_priority[:most]:
        budget -= parts[index].size
        if budget < 0:
            break
        keep.append(index)
    return keep


def _item_count(notification: Notification) -> int:
    return max(len(notification.entries), len(notification.unparseable), 1)
