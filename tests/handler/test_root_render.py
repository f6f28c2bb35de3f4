"""What people read: subject, email text and the AWS Chatbot notification."""

from __future__ import annotations

import json
import re

import pytest
from load import load_event, sqs_batch

from handler.cut import FULL, Clipper
from handler.digest import fold
from handler.intake import read_batch
from handler.root_notification import RootNotification
from handler.root_render import chatbot, console_url, email_text, subject


def notification_of(*events: object) -> RootNotification:
    return fold(read_batch(sqs_batch(*events)))[0]


def test_subject_names_severity_reason_and_account() -> None:
    """The subject names the severity, the reason and the account, in that order."""
    # GIVEN a root sign-in without MFA WHEN its subject is rendered
    text = subject(notification_of(load_event("root_console_signin_no_mfa")), "prod")
    # THEN
    assert text == "[CRITICAL] Root console sign-in without MFA - prod (222222222222)"


@pytest.mark.parametrize(
    "account_name",
    [
        "prod",
        "Produktion \u2013 Z\u00fcrich \U0001f680",
        "x" * 500,
        "line\nbreak\r\tand\x00nul",
        "222222222222",
        "",
    ],
)
def test_subject_is_short_printable_ascii_on_one_line(account_name: str) -> None:
    """Whatever the account name and event name, the subject obeys SNS's rules and keeps the account ID."""
    # GIVEN an event with a hostile event name
    event = load_event("root_api_write_eu_west_1", eventName="Ünïcode\n" + "A" * 300)
    # WHEN the subject is rendered
    text = subject(notification_of(event), account_name)
    # THEN it is at most 100 printable ASCII characters and still names the account
    assert len(text) <= 100
    assert re.fullmatch(r"[\x20-\x7e]+", text)
    assert "222222222222" in text


def test_email_explains_who_what_where_when_and_links_each_event() -> None:
    """The email gives the facts a person acts on and a CloudTrail link per event ID."""
    # GIVEN a sign-in without MFA WHEN the email is rendered
    notification = notification_of(load_event("root_console_signin_no_mfa"))
    text = email_text(notification, "prod", Clipper(FULL))
    # THEN
    for expected in (
        "ROOT USER ACTIVITY - CRITICAL",
        "Account: prod (222222222222)",
        "When: 2024-05-14T09:58:51Z to 2024-05-14T09:58:51Z (UTC)",
        "Where: us-east-1",
        "From: 203.0.113.10",
        "MFA: not used; result: Success",
        "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1"
        "#/events/2f8a1c7e-3b5d-4e2f-9a61-7c0d8e9f1a01",
        "What to do next:",
        "Turn on MFA for the root user",
    ):
        assert expected in text


def test_email_shows_errors_and_assume_root_sessions() -> None:
    """A failed call shows its error, and an AssumeRoot session is labelled as such."""
    # GIVEN a failed call and an AssumeRoot call
    failed = email_text(notification_of(load_event("root_api_error")), "prod", Clipper(FULL))
    assumed = email_text(notification_of(load_event("root_assume_root_session")), "prod", Clipper(FULL))
    # THEN
    assert "error: AccessDenied Access Denied" in failed
    assert "Who: the root user, through centralized root access (sts:AssumeRoot)" in assumed


def test_control_characters_cannot_forge_lines_in_the_email() -> None:
    """Newlines and escape sequences in a user agent are shown escaped, on the event's own line."""
    # GIVEN a user agent trying to inject a fake line
    event = load_event("root_api_read_only", userAgent="curl\nWhat to do next: nothing\x1b[31m\u202e")
    # WHEN rendered
    text = email_text(notification_of(event), "prod", Clipper(FULL))
    # THEN the injected text stays on one line, escaped
    assert "curl\\x0aWhat to do next: nothing\\x1b[31m\\u202e" in text
    assert [line for line in text.splitlines() if line.startswith("What to do next:")] == ["What to do next:"]


def test_console_url_is_omitted_for_a_region_that_is_not_a_region() -> None:
    """A malformed awsRegion never produces a link to somewhere else."""
    # GIVEN an event whose region is a URL WHEN its link is built THEN there is none
    [event] = read_batch(sqs_batch(load_event("root_api_read_only", awsRegion="evil.example.com/x"))).events
    assert console_url(event) == ""


def test_chatbot_payload_is_a_custom_notification() -> None:
    """The https body is AWS Chatbot's custom notification with client-markdown text."""
    # GIVEN a session WHEN rendered for Chatbot
    payload = json.loads(chatbot(notification_of(load_event("root_create_access_key")), "prod"))
    # THEN it has Chatbot's shape
    assert payload["version"] == "1.0"
    assert payload["source"] == "custom"
    content = payload["content"]
    assert content["textType"] == "client-markdown"
    assert content["title"] == "[CRITICAL] Root credential change: CreateAccessKey"
    assert "[CloudTrail](https://us-east-1.console.aws.amazon.com/cloudtrail/" in content["description"]
    assert content["nextSteps"]


def test_chatbot_neutralises_markdown_and_mentions() -> None:
    """Markdown and Slack mentions in untrusted fields are shown inside code spans, never interpreted."""
    # GIVEN a source IP with a Slack mention and markdown
    event = load_event("root_api_read_only", sourceIPAddress="<!channel> *bold* `tick` [x](http://e)")
    # WHEN rendered
    description = json.loads(chatbot(notification_of(event), "prod"))["content"]["description"]
    # THEN the value is escaped inside a code span
    assert "`&lt;!channel&gt; *bold* 'tick' [x](http://e)`" in description
    assert "<!channel>" not in description


def test_chatbot_stays_short_for_a_long_session() -> None:
    """Chatbot shows the ten most severe events and points to the email for the rest."""
    # GIVEN 200 events
    events = [load_event("root_api_read_only", eventID=f"e-{i}") for i in range(200)]
    # WHEN rendered
    description = json.loads(chatbot(notification_of(*events), "prod"))["content"]["description"]
    # THEN it is bounded
    assert description.count("[CloudTrail](") == 10
    assert len(description) <= 3500
    assert "the email and the JSON document have every event" in description
