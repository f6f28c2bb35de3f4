"""A 200-event root console session through the notifier against moto: prints figures, asserts nothing.

Run: ``uv run python bench/handler_burst.py``. Goals (issue 3): <= 2 notifications, 200/200 events accounted,
<= 0.1 ms CPU per event, importing the handler <= 1.2x ``import boto3``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The repository root (the notifier is the package `handler`, as in the zip) and the event fixtures.
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "events")]

import boto3  # noqa: E402
from load import load_event, sqs_batch  # noqa: E402
from moto import mock_aws  # noqa: E402

from handler import app  # noqa: E402
from handler.digest import fold  # noqa: E402
from handler.intake import read_batch  # noqa: E402
from handler.sns_message import build_publish_request  # noqa: E402

EVENTS = 200
REPEATS = 20
IMPORT_RUNS = 15
REGION = "us-east-1"


def console_session(run: int) -> dict[str, Any]:
    """A root sign-in without MFA and 199 calls of its console session, unique event IDs per run."""
    calls = [
        load_event(
            "root_api_read_only" if i % 3 else "root_api_write_eu_west_1",
            eventID=f"{run:04d}-call-{i:04d}",
            eventTime=f"2024-05-14T10:{i // 60:02d}:{i % 60:02d}Z",
        )
        for i in range(EVENTS - 1)
    ]
    sign_in = load_event("root_console_signin_no_mfa", eventID=f"{run:04d}-signin")
    return sqs_batch(sign_in, *calls)


def received(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            messages.append(json.loads(json.loads(message["Body"])["Message"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def cpu_ms(action: Any) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


def handler_figures() -> None:
    with mock_aws():
        sns = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        topic_arn = sns.create_topic(Name="root-activity")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        os.environ["TOPIC_ARN"] = topic_arn
        os.environ["ACCOUNT_NAMES"] = json.dumps({"222222222222": "prod"})

        batches = [console_session(run) for run in range(REPEATS + 1)]
        first_ms = cpu_ms(lambda: app.lambda_handler(batches[0], None))
        notifications = received(queue_url)
        warm = [cpu_ms(lambda b=b: app.lambda_handler(b, None)) for b in batches[1:]]
        received(queue_url)

        def build_only(batch: dict[str, Any]) -> None:
            for notification in fold(read_batch(batch)):
                build_publish_request(notification, topic_arn, "prod")

        pure = [cpu_ms(lambda b=b: build_only(b)) for b in batches[1:]]

    accounted = sum(n["eventCount"] + len(n["unparseable"]) for n in notifications)
    print(f"session: {EVENTS} root events in one SQS batch (1 sign-in + {EVENTS - 1} console calls)")
    print(f"notifications sent: {len(notifications)}")
    print(f"events accounted: {accounted}/{EVENTS}")
    for n in notifications:
        print(
            f"  - {n['severity']}: {n['title']!r}: {n['eventCount']} events, {len(n['events'])} listed, "
            f"truncated={n['truncated']}"
        )
    print(f"CPU, first invocation (creates the boto3 SNS client), incl. moto publish: {first_ms:.1f} ms")
    median_warm = statistics.median(warm)
    median_pure = statistics.median(pure)
    print(
        f"CPU, warm invocation incl. moto's in-process SNS+SQS delivery (median of {REPEATS}): "
        f"{median_warm:.1f} ms = {median_warm / EVENTS:.3f} ms/event"
    )
    print(
        f"CPU, handler work without publishing (read, classify, fold, render, fit; median of {REPEATS}): "
        f"{median_pure:.1f} ms = {median_pure / EVENTS:.3f} ms/event"
    )


def import_seconds(statement: str) -> float:
    """Wall time of one import in a fresh interpreter, measured inside it."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); t = time.perf_counter(); {statement}; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout)


def import_figures() -> None:
    boto: list[float] = []
    handler: list[float] = []
    for _ in range(IMPORT_RUNS):  # interleaved, so a busy neighbour slows both alike
        boto.append(import_seconds("import boto3"))
        handler.append(import_seconds("import handler.app"))
    boto_ms, handler_ms = statistics.median(boto) * 1000, statistics.median(handler) * 1000
    print(f"import boto3 alone: {boto_ms:.1f} ms (median of {IMPORT_RUNS} fresh interpreters)")
    print(f"import handler.app (boto3 included): {handler_ms:.1f} ms = {handler_ms / boto_ms:.2f}x boto3")


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs")
    handler_figures()
    import_figures()
