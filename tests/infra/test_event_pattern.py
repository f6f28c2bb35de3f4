"""The shared root-activity pattern: its content, and what it matches (moto's EventBridge matcher)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern, EventPatternParser
from root_activity_monitor.event_pattern import (
    ROOT_ACTIVITY_DETAIL_TYPES,
    ROOT_ACTIVITY_EVENT_PATTERN,
    ROOT_ACTIVITY_RULE_STATE,
    ROOT_PATH_CALLS,
    root_activity_pattern,
)

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
ROOT_EVENT_FILES = sorted(path.name for path in EVENTS_DIR.glob("root_*.json"))


def matches(event: dict[str, Any]) -> bool:
    """Whether EventBridge (as moto implements it) would deliver `event` to a rule with the pattern."""
    pattern = EventPattern(
        ROOT_ACTIVITY_EVENT_PATTERN, EventPatternParser(ROOT_ACTIVITY_EVENT_PATTERN).parse()
    )
    return pattern.matches_event(event)


def load(name: str) -> dict[str, Any]:
    """One recorded EventBridge event from tests/events."""
    loaded: dict[str, Any] = json.loads((EVENTS_DIR / name).read_text())
    return loaded


def test_pattern_selects_aws_delivered_root_activity_and_assume_root_calls() -> None:
    """GIVEN the pattern THEN it requires an aws. source, lists five CloudTrail detail-types, and selects
    Root, an AssumeRoot session, the sts:AssumeRoot call, the calls that re-open or change root, and sessions
    root issued."""
    assert (
        json.loads(ROOT_ACTIVITY_EVENT_PATTERN)
        == root_activity_pattern()
        == {
            "source": [{"prefix": "aws."}],
            "detail-type": [
                "AWS API Call via CloudTrail",
                "AWS Console Sign In via CloudTrail",
                "AWS Console Signin via CloudTrail",
                "AWS Console Action via CloudTrail",
                "AWS Service Event via CloudTrail",
            ],
            "$or": [
                {"detail": {"userIdentity": {"type": ["Root"]}}},
                {"detail": {"userIdentity": {"sessionContext": {"assumedRoot": ["true"]}}}},
                {"detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRoot"]}},
                {
                    "detail": {
                        "eventSource": ["account.amazonaws.com"],
                        "eventName": ["StartPrimaryEmailUpdate", "AcceptPrimaryEmailUpdate"],
                    }
                },
                {
                    "detail": {
                        "eventSource": ["iam.amazonaws.com"],
                        "eventName": [
                            "EnableOrganizationsRootCredentialsManagement",
                            "DisableOrganizationsRootCredentialsManagement",
                            "EnableOrganizationsRootSessions",
                            "DisableOrganizationsRootSessions",
                        ],
                    }
                },
                {
                    "detail": {
                        "eventSource": ["signin.amazonaws.com"],
                        "eventName": ["PasswordRecoveryRequested", "PasswordRecoveryCompleted"],
                    }
                },
                {"detail": {"userIdentity": {"sessionContext": {"sessionIssuer": {"type": ["Root"]}}}}},
            ],
        }
    )
    assert tuple(root_activity_pattern()["detail-type"]) == ROOT_ACTIVITY_DETAIL_TYPES


def test_rules_receive_read_only_management_events() -> None:
    """GIVEN the rule state THEN it is the one that also delivers read-only management events."""
    assert ROOT_ACTIVITY_RULE_STATE == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


@pytest.mark.parametrize("name", ROOT_EVENT_FILES)
def test_pattern_matches_every_recorded_root_event(name: str) -> None:
    """GIVEN a recorded root-user event WHEN matched against the pattern THEN it is selected."""
    assert matches(load(name))


@pytest.mark.parametrize("detail_type", ROOT_ACTIVITY_DETAIL_TYPES)
def test_pattern_matches_each_detail_type_for_root(detail_type: str) -> None:
    """GIVEN a root event of each detail-type THEN the pattern selects it."""
    assert matches(
        {"detail-type": detail_type, "source": "aws.iam", "detail": {"userIdentity": {"type": "Root"}}}
    )


@pytest.mark.parametrize("identity_type", ["IAMUser", "AssumedRole", "AWSService", "FederatedUser"])
def test_pattern_ignores_other_identities(identity_type: str) -> None:
    """GIVEN an API call by a non-root identity THEN the pattern does not select it."""
    event = {
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "detail": {"userIdentity": {"type": identity_type}},
    }
    assert not matches(event)


def test_pattern_ignores_the_recorded_non_root_event() -> None:
    """GIVEN the recorded IAM-user event THEN the pattern does not select it."""
    assert not matches(load("non_root_iam_user.json"))


def test_recorded_root_events_exist() -> None:
    """GIVEN tests/events THEN there are recorded root events for the parametrized match test to run on."""
    assert len(ROOT_EVENT_FILES) >= 10


def test_pattern_matches_an_assume_root_session_whatever_its_identity_type() -> None:
    """GIVEN an sts:AssumeRoot session call recorded as AssumedRole THEN the pattern still selects it."""
    event = {
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.s3",
        "detail": {
            "userIdentity": {"type": "AssumedRole", "sessionContext": {"assumedRoot": "true"}},
        },
    }
    assert matches(event)


def test_pattern_ignores_a_role_session_not_from_assume_root() -> None:
    """GIVEN an ordinary role session (assumedRoot absent or "false") THEN the pattern does not select it."""
    for context in ({}, {"assumedRoot": "false"}):
        event = {
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.s3",
            "detail": {"userIdentity": {"type": "AssumedRole", "sessionContext": context}},
        }
        assert not matches(event)


def test_pattern_ignores_other_detail_types_even_for_root() -> None:
    """GIVEN a root-looking event of a detail-type CloudTrail does not deliver THEN it is not selected."""
    assert not matches(
        {
            "detail-type": "EC2 Instance State-change Notification",
            "source": "aws.ec2",
            "detail": {"userIdentity": {"type": "Root"}},
        }
    )


@pytest.mark.parametrize("source", ["custom.forged", "aws", "AWS.iam", "myaws.iam", None])
def test_pattern_ignores_root_events_not_delivered_by_aws(source: str | None) -> None:
    """GIVEN a root event whose source does not start with "aws." (a custom PutEvents, which EventBridge
    refuses to give an aws. source) THEN the pattern does not select it."""
    event = load("root_create_access_key.json")
    if source is None:
        del event["source"]
    else:
        event["source"] = source
    assert not matches(event)


def test_pattern_selects_the_assume_root_call_in_the_management_account() -> None:
    """GIVEN an sts:AssumeRoot call by a role, its session not marked THEN the pattern still selects it."""
    event = {
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.sts",
        "detail": {
            "eventSource": "sts.amazonaws.com",
            "eventName": "AssumeRoot",
            "userIdentity": {"type": "AssumedRole", "sessionContext": {}},
        },
    }
    assert matches(event)
    event["detail"]["eventName"] = "AssumeRole"
    assert not matches(event)


def test_pattern_fits_eventbridges_default_quota() -> None:
    """GIVEN the root pattern as EventBridge receives it THEN it fits the 2,048-character default quota."""
    assert len(ROOT_ACTIVITY_EVENT_PATTERN) <= 2048


@pytest.mark.parametrize(
    ("source", "name"),
    [(source, name) for source, names in ROOT_PATH_CALLS.items() for name in names],
)
def test_pattern_matches_root_path_calls_whoever_makes_them(source: str, name: str) -> None:
    """GIVEN a role of the management account making a call that re-opens or changes root THEN it matches."""
    event = {
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + source.split(".", maxsplit=1)[0],
        "detail": {"eventSource": source, "eventName": name, "userIdentity": {"type": "AssumedRole"}},
    }
    assert matches(event)


def test_root_path_calls_agree_with_the_notifier() -> None:
    """GIVEN the calls the rules forward THEN the notifier knows each of them, and no other."""
    from handler import root_paths

    forwarded = {(source, name) for source, names in ROOT_PATH_CALLS.items() for name in names}
    assert forwarded == set(root_paths.CALLS)
