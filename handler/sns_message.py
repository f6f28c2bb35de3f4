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
from dataclasses import dataclass

from .cut import FULL, Clipper, Cut
from .document import CATEGORY, document
from .notification import Notification
from .render import chatbot, email_text, subject
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
    return {k: valid_unicode(shorten(one_line(v), ATTRIBUTE_CHARS)) or "unknown" for k, v in values.items()}


def build_publish_request(notification: Notification, topic_arn: str, account_name: str) -> PublishRequest:
    """The request to publish, cut until it fits SNS's limit."""
    title_line = subject(notification, account_name)
    attributes = message_attributes(notification)
    https = chatbot(notification, account_name)

    def attempt(cut: Cut) -> tuple[PublishRequest, Clipper]:
        clipper = Clipper(cut)
        text = email_text(notification, account_name, clipper)
        doc = document(notification, account_name, clipper)
        doc["truncated"] = clipper.clipped
        doc_json = json.dumps(doc, separators=(",", ":"))
        bodies = dict.fromkeys(DOCUMENT_PROTOCOLS, doc_json) | {"email": text, "https": https}
        message = json.dumps(bodies, separators=(",", ":"))
        request = PublishRequest(
            topic_arn, title_line, message, attributes, clipper.clipped, tuple(notification.message_ids)
        )
        return request, clipper

    request, clipper = attempt(FULL)
    for cut in FIELD_CUTS[1:]:
        if request.size <= SNS_MESSAGE_LIMIT:
            return request
        if clipper.longest > (cut.field_chars or 0):  # otherwise this cut would change nothing
            request, clipper = attempt(cut)
    smallest = FIELD_CUTS[-1]
    items = _item_count(notification)
    while request.size > SNS_MESSAGE_LIMIT and items > 0:
        # Scale the listing by how far over the limit we are, and always make progress.
        items = min(items - 1, int(items * SNS_MESSAGE_LIMIT / request.size * 0.95))
        request, clipper = attempt(Cut(smallest.field_chars, smallest.raw_chars, max(items, 0)))
    return request


def _item_count(notification: Notification) -> int:
    return max(len(notification.entries), len(notification.unparseable), 1)
