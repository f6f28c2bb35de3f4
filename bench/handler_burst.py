"""The notifier's own CPU per event, its peak memory, and what it does under a flood: prints figures, asserts
nothing.

Run: ``uv run python bench/handler_burst.py``; with ``--record`` the output is kept in
bench/results/handler_burst.txt and replaces the block docs/verification.md quotes (bench/record.py). Goals:
handler CPU <= 0.05 ms per event for a 200- and a 2,000-event root console session, <= 0.5 ms for a one-event
batch; peak memory for 10,000 events is printed. "Handler CPU" is everything the function does but the network
call: read, grade, fold, render, fit to 256 KB, encode; publishing goes to a no-op so moto's own cost is not
counted, and it is measured in a child process holding only the notifier, boto3 and the events, as Lambda's
process does (in this one, moto's and Pulumi's heaps would be walked by the collection before each timed batch
and push the notifier out of the CPU caches; the one-event batch is printed as measured here too). The
first section publishes into moto to show what subscribers get. The last runs floods against stand-ins for SNS
and DynamoDB that take a fixed time per call (70 ms and 20 ms), with the function's remaining time given: how
many notifications, whether the root alert went out, what was returned for retry, and the wall time. With the
hub's table (AssumeRoot sessions across batches), the 2,000-event session is measured again with the table in
moto: that figure includes moto's in-process handling of the one `UpdateItem` per session key, so it is an
upper bound of the notifier's own CPU. Last, how many notifications one AssumeRoot session makes (AWS's
published call and action).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The repository root (the notifier is the package `handler`, as in the zip), the event fixtures and the
# bench's neighbours.
sys.path[:0] = [str(ROOT / name) for name in ("", "tests/events", "tests/handler", "bench")]

import boto3  # noqa: E402
from load import load_event, sqs_batch, tamper_by  # noqa: E402
from record import record_flag, recorded  # noqa: E402

from handler import app, assume_root_sessions  # noqa: E402
from handler.sns_request import PublishRequest  # noqa: E402

CPU_CHILD = "--cpu-child"
"""The CPU figures run in a child process that imports the notifier, boto3 and the event fixtures only, as
Lambda's process holds the notifier and boto3 only: moto's and Pulumi's heaps (hundreds of thousands of
objects) are not walked by the collection before each timed batch, nor do they push the notifier's code
and data out of the CPU caches as they would in this process."""
if CPU_CHILD not in sys.argv:
    from heartbeat_fixtures import TABLE, create_table, heartbeat_event
    from moto import mock_aws

REPEATS = 15
REGION = "us-east-1"
TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"
DOC = ROOT / "docs" / "verification.md"


def console_session(events: int, run: int) -> dict[str, Any]:
    """A root sign-in without MFA and ``events - 1`` calls of its console session, unique IDs per run."""
    calls = [
        load_event(
            "root_api_read_only" if i % 3 else "root_api_write_eu_west_1",
            eventID=f"{run:04d}-call-{i:05d}",
            eventTime=f"2024-05-14T{10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
        )
        for i in range(events - 1)
    ]
    sign_in = load_event("root_console_signin_no_mfa", eventID=f"{run:04d}-signin")
    return sqs_batch(sign_in, *calls)


def handler_cpu_ms(batch: dict[str, Any]) -> float:
    sent: list[PublishRequest] = []
    gc.collect()
    start = time.process_time()
    app.handle_batch(batch, TOPIC, publish=sent.append)
    return (time.process_time() - start) * 1000


def cpu_figures(events: int) -> None:
    batches = [console_session(events, run) for run in range(REPEATS + 1)]
    handler_cpu_ms(batches[0])  # warm-up: imports, caches
    median = statistics.median(handler_cpu_ms(b) for b in batches[1:])
    print(
        f"handler CPU, {events:>5}-event session: {median:8.2f} ms = {median / events:.4f} ms/event "
        f"(median of {REPEATS}; goal <= {'0.5 ms' if events == 1 else '0.05 ms/event'})"
    )


def with_session_table() -> Any:
    """moto with the hub's table, named in the notifier's environment; the caller exits the returned mock."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    mock = mock_aws()
    mock.start()
    assume_root_sessions.session_client.cache_clear()
    create_table()
    os.environ["HEARTBEAT_TABLE"] = TABLE
    return mock


def cpu_figures_with_table(events: int) -> None:
    mock = with_session_table()
    try:
        batches = [console_session(events, run) for run in range(REPEATS + 1)]
        handler_cpu_ms(batches[0])
        median = statistics.median(handler_cpu_ms(b) for b in batches[1:])
    finally:
        del os.environ["HEARTBEAT_TABLE"]
        mock.stop()
        assume_root_sessions.session_client.cache_clear()
    print(
        f"handler CPU with the session table (moto), {events:>5}-event session: {median:8.2f} ms = "
        f"{median / events:.4f} ms/event (median of {REPEATS}; one UpdateItem per session key)"
    )


def assume_root_notifications() -> None:
    """Notifications per AssumeRoot session: call and action in one batch, or in two, in either order."""
    call = load_event("published/root_awsdocs_assume_root_call")
    action = load_event("published/root_awsdocs_assume_root_member_delete_bucket_policy")
    for label, batches in (
        ("one batch", [[call, action]]),
        ("call, then action in a later batch", [[call], [action]]),
        ("action, then call in a later batch", [[action], [call]]),
    ):
        mock = with_session_table()
        try:
            sent: list[PublishRequest] = []
            for batch in batches:
                app.handle_batch(sqs_batch(*batch), TOPIC, publish=sent.append)
        finally:
            del os.environ["HEARTBEAT_TABLE"]
            mock.stop()
            assume_root_sessions.session_client.cache_clear()
        named = sum("JohnRole1" in request.message for request in sent)
        print(f"AssumeRoot session, {label}: {len(sent)} notifications, {named} naming the caller")


def memory_figure(events: int) -> None:
    batch = console_session(events, 0)
    gc.collect()
    tracemalloc.start()
    app.handle_batch(batch, TOPIC, publish=lambda _: None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(len(r["body"]) for r in batch["Records"])
    print(f"peak memory handling {events:,} events ({size / 1e6:.1f} MB of SQS bodies): {peak / 1e6:.1f} MB")


def what_subscribers_get(events: int) -> None:
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
        app.lambda_handler(console_session(events, 0), None)
        notifications = []
        while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                notifications.append(json.loads(json.loads(message["Body"])["Message"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    print(f"{events}-event session published into moto: {len(notifications)} notifications")
    for n in sorted(notifications, key=lambda n: n["eventCount"]):
        print(
            f"  - {n['severity']}: {n['title']!r}: {n['eventCount']} events, {len(n['events'])} listed, "
            f"truncated={n['truncated']}"
        )


def slow(seconds: float, calls: list[object]) -> Any:
    """A stand-in for a network call that takes ``seconds`` and records what it was given."""

    def call(request: object = None, **_: object) -> None:
        time.sleep(seconds)
        calls.append(request)

    return call


def flood(name: str, batch: dict[str, Any], remaining_s: float, root_ids: set[str] = frozenset()) -> None:
    published: list[Any] = []
    writes: list[Any] = []
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = app.handle_batch(
        batch,
        TOPIC,
        publish=slow(0.07, published),
        remaining_ms=lambda: remaining_s * 1000,
        write_heartbeat=slow(0.02, writes),
    )
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    returned = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    sent = {m for request in published for m in request.message_ids}
    listed = [json.loads(json.loads(r.message)["default"]) for r in published]
    events = ", ".join(f"{d['category']} {len(d['events'])} of {d['eventCount']} listed" for d in listed[:2])
    root = f"; root alert {'published' if root_ids <= sent else 'NOT published'}" if root_ids else ""
    more = ", ..." if len(listed) > 2 else ""
    print(
        f"{name} ({remaining_s:g} s left): {len(published)} notifications ({events}{more}){root}; "
        f"{len(writes)} heartbeat writes; {len(returned)} of {len(batch['Records'])} records returned for "
        f"retry; {wall:.2f} s wall, {cpu * 1000:.0f} ms CPU"
    )


def flood_figures() -> None:
    """1,000 actors in one account; 400 accounts and a root sign-in; 1,000 heartbeats and a root sign-in."""
    flood("tamper flood, 1,000 actors in one account", sqs_batch(*(tamper_by(i) for i in range(1000))), 60)
    accounts = sqs_batch(
        *(tamper_by(i, f"{300000000000 + i}") for i in range(400)), load_event("root_console_signin_no_mfa")
    )
    root_id = {accounts["Records"][-1]["messageId"]}
    flood("tamper flood, 400 accounts, then a root sign-in", accounts, 18, root_id)
    beats = sqs_batch(
        *(heartbeat_event(f"{400000000000 + i}") for i in range(1000)),
        load_event("root_console_signin_no_mfa"),
    )
    os.environ["HEARTBEAT_TABLE"] = "bench-heartbeats"
    try:
        for remaining in (5, 60):
            flood(
                "1,000 heartbeats, then a root sign-in", beats, remaining, {beats["Records"][-1]["messageId"]}
            )
    finally:
        del os.environ["HEARTBEAT_TABLE"]


def cpu_figures_apart() -> None:
    """The CPU figures, from a child process holding only what Lambda's would (see `CPU_CHILD`)."""
    child = subprocess.run(
        [sys.executable, __file__, CPU_CHILD], capture_output=True, text=True, check=True, cwd=ROOT
    )
    print("handler CPU below: in a process holding only the notifier, boto3 and the events, as Lambda's")
    print(child.stdout, end="")
    batches = [console_session(1, run) for run in range(REPEATS + 1)]
    handler_cpu_ms(batches[0])
    here = statistics.median(handler_cpu_ms(b) for b in batches[1:])
    print(
        "handler CPU in the bench's own process (moto's and Pulumi's heaps beside it), "
        f"1-event session: {here:.2f} ms"
    )


def cpu_child() -> None:
    loaded = sorted(name for name in ("moto", "pulumi") if name in sys.modules)
    if loaded:
        message = f"the CPU child imported {', '.join(loaded)}: its figures would not be the notifier's alone"
        raise SystemExit(message)
    for size in (1, 200, 2000):
        cpu_figures(size)


def main() -> None:
    load = os.getloadavg()[0]
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; load average {load:.1f} at start")
    for size in (200, 2000):
        what_subscribers_get(size)
    cpu_figures_apart()
    cpu_figures_with_table(2000)
    memory_figure(10_000)
    flood_figures()
    assume_root_notifications()
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__" and CPU_CHILD in sys.argv:
    cpu_child()
elif __name__ == "__main__":
    with recorded("handler_burst", record=record_flag(sys.argv[1:])[0], page=DOC):
        main()
