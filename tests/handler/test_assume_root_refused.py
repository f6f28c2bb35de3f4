"""A refused sts:AssumeRoot is about its caller: the target it asked for is text of the caller's choosing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from load import load_event, sqs_batch

from handler import app
from handler.sns_request import SNS_MESSAGE_LIMIT, PublishRequest

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"
CALLER_ACCOUNT = "111111111111"  # the management account, where the call is recorded
QUOTED = re.compile(r'"[^"]*"')


def refused_call(target: str) -> dict[str, Any]:
    """AWS's published AssumeRoot call, refused, asking for ``target``."""
    event = load_event(
        "notifier/assume_root_call_management",
        errorCode="AccessDenied",
        errorMessage="User is not authorized to perform: sts:AssumeRoot",
        responseElements=None,
    )
    event["detail"]["requestParameters"]["targetPrincipal"] = target
    return event


def publish_one(event: dict[str, Any]) -> tuple[PublishRequest, dict[str, Any]]:
    published: list[PublishRequest] = []
    assert app.handle_batch(sqs_batch(event), TOPIC, publish=published.append) == {"batchItemFailures": []}
    (request,) = published
    return request, json.loads(request.message)


# (why, targetPrincipal, text that must never appear outside quotes in the title or subject)
ATTACKS = [
    ("another account's ID", "333333333333", "333333333333"),
    ("another account's root ARN", "arn:aws:iam::333333333333:root", "333333333333"),
    ("a forged second line", "222222222222\n[CRITICAL] Root console sign-in without MFA", "[CRITICAL]"),
    ("markdown and a channel mention", "*<!channel>* [click](https://evil.example)", "evil.example"),
    ("a very long target", "4" * 100_000, "4444444444"),
]


@pytest.mark.parametrize(("why", "target", "marker"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_refused_assume_root_is_the_caller_s_and_its_target_only_quoted(
    why: str, target: str, marker: str
) -> None:
    """GIVEN a refused AssumeRoot whose targetPrincipal is hostile WHEN handled THEN the one notification is
    about the calling account, says the target was only requested, and shows the target only in quotes."""
    request, bodies = publish_one(refused_call(target))
    doc = json.loads(bodies["default"])
    assert (doc["account"]["id"], request.attributes["accountId"]) == (CALLER_ACCOUNT, CALLER_ACCOUNT), why
    assert request.subject.endswith(f" - {CALLER_ACCOUNT}"), why
    assert doc["title"].startswith("Refused centralized root access by "), why
    assert "requested for" in doc["title"], why
    for headline in (doc["title"], request.subject):
        assert marker not in QUOTED.sub("", headline), (why, headline)
        assert "\n" not in headline, why
    (event,) = doc["events"]
    assert event["assumeRoot"]["targetAccountId"] == "", why
    assert event["assumeRoot"]["requestedTarget"] == target, why
    assert request.size <= SNS_MESSAGE_LIMIT and len(request.subject) <= 100, why


def test_a_forged_line_never_starts_a_line_of_the_email_or_the_chat_card() -> None:
    """GIVEN a refused AssumeRoot whose target carries a newline and markdown WHEN handled THEN no line of
    the email starts with the injected text and the chat card's title carries no markup or mention."""
    _, bodies = publish_one(refused_call("2\n[CRITICAL] *<!channel>* hi"))
    assert not any(line.startswith("[CRITICAL] *") for line in bodies["email"].splitlines())
    card = json.loads(bodies["https"])["content"]
    assert "<!channel>" not in card["title"] and "<!channel>" not in card["description"]


def test_a_granted_assume_root_is_still_reported_against_its_target() -> None:
    """GIVEN AWS's published, successful AssumeRoot call THEN the notification is about the member account
    the session was opened in."""
    request, _ = publish_one(load_event("notifier/assume_root_call_management"))
    assert request.attributes["accountId"] == "222222222222"


def test_a_refused_call_labels_no_session_action() -> None:
    """GIVEN a refused AssumeRoot for 222222222222 and a root action in that account WHEN folded THEN the
    action is not said to be done through the refused call."""
    action = load_event("root_assume_root_session")
    published: list[PublishRequest] = []
    app.handle_batch(sqs_batch(refused_call("222222222222"), action), TOPIC, publish=published.append)
    docs = [json.loads(json.loads(r.message)["default"]) for r in published]
    member = [d for d in docs if d["account"]["id"] == "222222222222"]
    assert member and all("assumeRoot" not in e for d in member for e in d["events"])
