"""Object fields written as text (exports, redacted samples) spoil no grade unless the grade needs them.

CloudTrail Lake and Athena exports carry ``requestParameters``/``responseElements``/``additionalEventData``
as JSON text, and redacted samples replace them by a placeholder. The records below are published ones
(tests/events/SOURCES.md) with those fields rewritten so: text holding the object is read as the object; a
placeholder where the grade needs the field is reported; anywhere else it is as good as not recorded.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from load import load_event, sqs_batch

from handler import app
from handler.sns_request import PublishRequest

TOPIC = "arn:aws:sns:us-east-1:111111111111:root-activity"
REDACTED = "HIDDEN_DUE_TO_SECURITY_REASONS"


def as_text(event: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The event with each field in ``keys`` written as the JSON text of its value."""
    for key in keys:
        event["detail"][key] = json.dumps(event["detail"][key], indent=2)
    return event


def documents(event: dict[str, Any]) -> list[tuple[PublishRequest, dict[str, Any]]]:
    published: list[PublishRequest] = []
    assert app.handle_batch(sqs_batch(event), TOPIC, publish=published.append) == {"batchItemFailures": []}
    return [(r, json.loads(json.loads(r.message)["default"])) for r in published]


GRADED = [
    (
        "a root sign-in without MFA, result and MFA as JSON text",
        as_text(
            load_event("published/root_awsdocs_signin_no_mfa"), "responseElements", "additionalEventData"
        ),
        ("root-activity", "CRITICAL", "Root console sign-in without MFA"),
    ),
    (
        "a failed root sign-in, result as JSON text",
        as_text(load_event("published/root_awsdocs_signin_failure"), "responseElements"),
        ("root-activity", "HIGH", "Failed root console sign-in"),
    ),
    (
        "a root write call with its request parameters redacted",
        load_event("published/root_panther_put_bucket_versioning", requestParameters=REDACTED),
        ("root-activity", "HIGH", "Root write call: PutBucketVersioning"),
    ),
    (
        "a root credential change with its response redacted",
        load_event("published/root_panther_create_access_key_console", responseElements="{...}"),
        ("root-activity", "CRITICAL", "Root credential change: CreateAccessKey"),
    ),
    (
        "AWS's AssumeRoot call with both objects as JSON text",
        as_text(load_event("notifier/assume_root_call_management"), "requestParameters", "responseElements"),
        ("root-activity", "MEDIUM", "Centralized root access to 222222222222"),
    ),
    (
        "a disabled forwarding rule with its request parameters redacted",
        load_event("tamper_disable_rule", requestParameters=REDACTED),
        ("tamper", "CRITICAL", "Monitor switched off: DisableRule on (not named in the record)"),
    ),
]


@pytest.mark.parametrize(("why", "event", "expected"), GRADED, ids=[g[0] for g in GRADED])
def test_an_object_field_as_text_is_graded_as_what_the_record_is(
    why: str, event: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    """GIVEN a record whose object fields are JSON text or a placeholder it does not need WHEN handled THEN
    it is graded as the record it is, not reported as unreadable."""
    ((_, doc),) = documents(event)
    category, severity, title = expected
    assert (doc["category"], doc["severity"]) == (category, severity), why
    assert doc["title"].startswith(title), (why, doc["title"])
    assert doc["unparseable"] == [], why


REPORTED = [
    (
        "a root sign-in whose result is redacted",
        load_event("published/root_awsdocs_signin_no_mfa", responseElements=REDACTED),
        "detail.responseElements (str)",
    ),
    (
        "a root sign-in whose MFA data is a list",
        load_event("published/root_awsdocs_signin_no_mfa", additionalEventData=["MFAUsed", "No"]),
        "detail.additionalEventData (list)",
    ),
    (
        "an AssumeRoot call whose target and task are redacted",
        load_event("notifier/assume_root_call_management", requestParameters=REDACTED),
        "detail.requestParameters (str)",
    ),
]


@pytest.mark.parametrize(("why", "event", "field"), REPORTED, ids=[r[0] for r in REPORTED])
def test_a_needed_object_field_that_cannot_be_read_is_reported(
    why: str, event: dict[str, Any], field: str
) -> None:
    """GIVEN a record whose grade depends on an object field that holds no object WHEN handled THEN it is
    reported as unreadable, naming that field, with its raw body."""
    ((request, doc),) = documents(event)
    (record,) = doc["unparseable"]
    assert field in record["reason"], (why, record["reason"])
    assert record["rawBody"] and request.attributes["eventName"] == "UnparseableRecord", why
