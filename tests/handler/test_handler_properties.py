"""Property: whatever arrives, nothing escapes and every record is accounted for."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import boto3
from awslambdaric.lambda_runtime_log_utils import JsonFormatter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from load import event_names, load_event, sqs_record
from moto import mock_aws

from handler import app, publisher
from handler.cut import CLIP_MARKER
from handler.sns_request import SNS_MESSAGE_LIMIT, PublishRequest

ROOT_FIXTURES = [n for n in event_names() if n.startswith("root_")]
DETAIL_KEYS = [
    "eventID", "eventName", "eventTime", "eventSource", "eventType", "awsRegion", "sourceIPAddress",
    "userAgent", "errorCode", "errorMessage", "readOnly", "recipientAccountId", "additionalEventData",
    "responseElements", "userIdentity",
]  # fmt: skip
HOSTILE = [
    "*bold* _it_ ~s~ `code`", "<!channel> <@U123>", "[link](https://evil.example)", "line\nbreak\r\n",
    "\x1b[31mred\x1b[0m", "\u202eevil", "\ud800", "\x00", "Z\u00fcrich \U0001f680", "", " ", "Root",
]  # fmt: skip

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
texts = st.one_of(
    st.text(max_size=120),
    st.sampled_from(HOSTILE),
    st.integers(2_000, 100_000).map(lambda n: "A" * n),
)
field_values = st.one_of(texts, texts, json_values)
identities = st.one_of(
    field_values,
    st.fixed_dictionaries(
        {"type": st.sampled_from(["Root", "IAMUser", "AssumedRole", "AWSService"]) | texts},
        optional={
            "accessKeyId": texts,
            "invokedBy": texts,
            "sessionContext": st.fixed_dictionaries(
                {"assumedRoot": st.sampled_from(["true", "false", True])}
            ),
        },
    ),
)


@st.composite
def mutated_events(draw: st.DrawFn) -> object:
    """A recorded root event with some fields replaced, removed or given the wrong type."""
    event: dict[str, Any] = load_event(draw(st.sampled_from(ROOT_FIXTURES)))
    event["detail"]["eventID"] = draw(st.sampled_from(["dup-1", "dup-2"]) | st.uuids().map(str))
    for key in draw(st.lists(st.sampled_from(DETAIL_KEYS), max_size=4, unique=True)):
        if draw(st.booleans()):
            event["detail"].pop(key, None)
        else:
            event["detail"][key] = draw(identities if key == "userIdentity" else field_values)
    if draw(st.integers(0, 9)) == 0:
        event[draw(st.sampled_from(["detail-type", "detail", "account"]))] = draw(field_values)
    return event


bodies = st.one_of(
    mutated_events().map(json.dumps),
    mutated_events().map(json.dumps),
    texts,
    json_values.map(json.dumps),
)
batches = st.lists(bodies, min_size=1, max_size=12).map(
    lambda bs: {"Records": [sqs_record(b, f"m-{i}") for i, b in enumerate(bs)]}
)


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.entries: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        # As the Lambda runtime writes it with the JSON log format.
        self.entries.append(json.loads(JsonFormatter().format(record)))


def shown(original: str, candidates: set[str]) -> bool:
    """The value is shown whole, or clipped with the marker."""
    return original in candidates or any(
        c.endswith(CLIP_MARKER) and original.startswith(c[: -len(CLIP_MARKER)]) for c in candidates
    )


def event_id_of(body: str) -> str | None:
    """The record's eventID; "" for an event without one (it is listed so); None if unreadable."""
    try:
        detail = json.loads(body)["detail"]
        event_id = detail.get("eventID") or ""
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    # Lone surrogates cannot be sent to SNS; they are shown as "?".
    return event_id.encode("utf-8", "replace").decode() if isinstance(event_id, str) else None


def test_every_record_is_published_or_ignored_and_nothing_escapes() -> None:
    """Thousands of malformed and hostile records: every one ends up in a notification SNS accepted or in a
    non-root warning, and every request is within SNS's limits."""
    logger = logging.getLogger("root_activity_notifier")
    with mock_aws():
        topic_arn = boto3.client("sns", region_name="us-east-1").create_topic(Name="t")["TopicArn"]

        # The example budget comes from the Hypothesis profile (tests/conftest.py).
        @settings(suppress_health_check=[HealthCheck.too_slow])
        @given(batch=batches)
        def check(batch: dict[str, Any]) -> None:
            published: list[PublishRequest] = []

            def publish(request: PublishRequest) -> None:
                publisher.publish(request)  # moto validates it like SNS would
                published.append(request)

            recorder = Recorder()
            logger.addHandler(recorder)
            try:
                result = app.handle_batch(batch, topic_arn, publish=publish)
            finally:
                logger.removeHandler(recorder)

            assert result == {"batchItemFailures": []}
            docs = [json.loads(json.loads(r.message)["default"]) for r in published]
            event_ids = {e["eventID"] for d in docs for e in d["events"]}
            unparseable = {u["messageId"] for d in docs for u in d["unparseable"]}
            ignored = sum(e["count"] for e in recorder.entries if e["message"].startswith("non-root"))
            not_notified = []
            for record in batch["Records"]:
                event_id = event_id_of(record["body"])
                if not (
                    record["messageId"] in unparseable
                    or (event_id is not None and shown(event_id, event_ids))
                ):
                    not_notified.append(record["body"][:300])
            # The warning counts non-root records (and lists a bounded sample of their message IDs).
            assert len(not_notified) <= ignored, not_notified
            for request in published:
                assert request.size <= SNS_MESSAGE_LIMIT
                assert re.fullmatch(r"[\x20-\x7e]{1,100}", request.subject)

        check()


@given(event=json_values | st.fixed_dictionaries({"Records": st.lists(json_values, max_size=5)}))
def test_any_event_shape_returns_a_batch_response(event: Any) -> None:
    """An event of any shape, even not an SQS batch, never raises."""
    # GIVEN any JSON value WHEN handled with a publisher that accepts anything THEN a batch response returns
    result = app.handle_batch(event, "arn:aws:sns:us-east-1:111111111111:t", publish=lambda _: None)
    assert isinstance(result["batchItemFailures"], list)
