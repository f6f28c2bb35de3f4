"""Publish notifications to SNS: one loop for every category, one boto3 client per container and region.

Timeouts and retries are bounded so that one publish, retries included, takes at most WORST_CASE_SECONDS:
no publish starts when less than that is left before the function's timeout (``budget``). A notification
not published, for an error or for lack of time, hands its SQS records back for retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from . import jsonlog
from .budget import Budget, log_out_of_time, run_in_order
from .sns_request import PublishRequest

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 4
MAX_ATTEMPTS = 2
# Both attempts timing out at both stages, plus the standard retry mode's backoff (at most 20 s, in
# practice under 1 s for a second attempt).
WORST_CASE_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + 1
CLIENT_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    max_pool_connections=10,
)
_clients: dict[str | None, SNSClient] = {}
_lock = threading.Lock()


def sns_client(region: str | None) -> SNSClient:
    """One client per region, created on first use rather than at import: a cold start pays for it only
    when something is published, and tests that start moto first get a client that talks to it. Clients
    are thread-safe once created; creating one is not, hence the lock."""
    with _lock:
        client = _clients.get(region)
        if client is None:
            client = _clients[region] = boto3.client("sns", region_name=region, config=CLIENT_CONFIG)
        return client


def topic_region(topic_arn: str) -> str | None:
    """The region in ``arn:aws:sns:REGION:ACCOUNT:NAME``, so the client matches the topic wherever it runs."""
    parts = topic_arn.split(":")
    return parts[3] if len(parts) == 6 and parts[3] else None


def publish(request: PublishRequest) -> str:
    """Publish; returns the SNS MessageId. Raises botocore's errors (throttling, KMS, missing topic)."""
    response = sns_client(topic_region(request.topic_arn)).publish(
        TopicArn=request.topic_arn,
        Subject=request.subject,
        Message=request.message,
        MessageStructure="json",
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value} for name, value in request.attributes.items()
        },
    )
    return response["MessageId"]


Publish = Callable[[PublishRequest], object]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A notification waiting to be published: built only once its turn comes, with the account's name."""

    category: str
    account_id: str
    message_ids: Sequence[str]
    build: Callable[[str], PublishRequest]
    """The request, given the account's display name."""


def publish_all(
    outgoing: Sequence[Outgoing],
    publish: Publish,
    resolve_account_name: Callable[[str], str],
    budget: Budget,
) -> list[str]:
    """Publish in the given order within the budget; one outcome per notification (``budget.DONE``, ...)."""

    def send(item: Outgoing) -> None:
        publish(item.build(resolve_account_name(item.account_id)))

    def failed(item: Outgoing, exc: Exception) -> None:
        jsonlog.error(
            "notification not published; its records are returned for retry",
            category=item.category,
            messageIds=list(item.message_ids),
            accountId=item.account_id,
            exceptionType=type(exc).__name__,
            error=str(exc),
        )

    outcomes = run_in_order(outgoing, send, budget, failed)
    log_out_of_time("notifications", outcomes, budget)
    return outcomes
