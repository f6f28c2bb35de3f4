"""A batch finishes inside the function's timeout: publishes stop in time and the rest are retried."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from load import load_event, sqs_batch

from handler import app, publisher
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"
FUNCTION_TIMEOUT_MS = 60_000


def sessions(count: int) -> dict[str, object]:
    """``count`` root sessions (distinct access keys), so ``count`` notifications."""
    events = []
    for i in range(count):
        event = load_event("root_api_read_only", eventID=f"e-{i}")
        event["detail"]["userIdentity"]["accessKeyId"] = f"ASIASESSION{i:09d}"
        events.append(event)
    return sqs_batch(*events)


def test_nothing_is_published_with_less_than_the_safety_margin_left() -> None:
    """GIVEN less time left than the safety margin WHEN handled THEN nothing is published and every record is
    returned for retry."""
    batch = sessions(3)
    published: list[PublishRequest] = []
    result = app.handle_batch(
        batch, TOPIC, publish=published.append, remaining_ms=lambda: app.SAFETY_MARGIN_MS - 1
    )
    assert published == []
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == sorted(
        r["messageId"] for r in batch["Records"]
    )


def test_slow_publishes_stop_before_the_timeout_and_the_rest_is_returned() -> None:
    """GIVEN publishes that each use up a quarter of a second and 0.75 s of budget beyond the margin WHEN 40
    notifications are handled (4 at a time) THEN some are published, the others' records (and only theirs)
    are returned."""
    batch = sessions(40)
    published: list[PublishRequest] = []
    lock = threading.Lock()
    stop = threading.Event()

    def slow_publish(request: PublishRequest) -> None:
        with lock:
            published.append(request)
        stop.wait(0.25)

    result = app.handle_batch(
        batch, TOPIC, publish=slow_publish, remaining_ms=lambda: app.SAFETY_MARGIN_MS + 750
    )
    returned = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    sent = {m for request in published for m in request.message_ids}
    assert 0 < len(sent) < 40
    assert returned.isdisjoint(sent)
    assert returned | sent == {r["messageId"] for r in batch["Records"]}


def test_one_publish_at_its_worst_fits_well_inside_the_function_timeout() -> None:
    """GIVEN the SNS client's timeouts and retries THEN a publish at its worst, plus the margin kept for it,
    is well under the 60 s function timeout."""
    config = publisher.CLIENT_CONFIG
    assert config.connect_timeout is not None and config.read_timeout is not None
    assert config.retries is not None and config.retries["total_max_attempts"] == publisher.MAX_ATTEMPTS
    worst = publisher.MAX_ATTEMPTS * (config.connect_timeout + config.read_timeout)
    assert worst < publisher.WORST_CASE_SECONDS
    assert app.SAFETY_MARGIN_MS <= FUNCTION_TIMEOUT_MS / 3


class AlmostOutOfTime:
    """A Lambda context whose function has 5 s left."""

    def get_remaining_time_in_millis(self) -> int:
        return 5_000


def test_the_entry_point_reads_the_remaining_time_from_the_lambda_context(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a context with 5 s left WHEN the entry point runs THEN nothing is published and the records are
    returned for retry."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    batch = sessions(2)
    result = app.lambda_handler(batch, AlmostOutOfTime())
    assert len(result["batchItemFailures"]) == 2
    assert sns_to_sqs.received() == []
