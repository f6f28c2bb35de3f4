"""The events the replay drives are the notifier's CloudTrail samples, moved to each account and region."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from root_activity_monitor.simulate.events import SAMPLES, events_for

FIXTURES = Path(__file__).resolve().parents[1] / "events"
# What the replay stamps on each event it drives, so runs are reproducible and each event traceable.
STAMPED = {"eventTime", "awsRegion", "eventID", "requestID", "recipientAccountId"}

# Driven kind → the sample it is made from (the notifier's tests read it as tests/events/<sample>).
SAMPLED = {
    "root console sign-in": "root_console_signin_mfa.json",
    "failed root sign-in": "root_console_signin_failure.json",
    "AssumeRoot session action": "root_assume_root_session.json",
    "root API call": "root_api_write_eu_west_1.json",
    "root read-only call": "root_api_read_only.json",
    "IAM user API call (not root)": "non_root_iam_user.json",
}


@pytest.mark.parametrize(("kind", "sample"), SAMPLED.items())
def test_driven_event_is_the_notifier_s_sample_moved_to_its_account(kind: str, sample: str) -> None:
    """GIVEN a driven kind WHEN put in an account and region THEN its detail is the sample the notifier's
    tests read, account moved, with only time, region and IDs stamped; the envelope names the same account."""
    driven = next(e for e in events_for("333333333333", ["ap-south-1"]) if e.kind == kind).event
    recorded = json.loads((FIXTURES / sample).read_text().replace("222222222222", "333333333333"))
    assert (FIXTURES / sample).resolve() == SAMPLES / sample
    assert {k: v for k, v in driven["detail"].items() if k not in STAMPED} == {
        k: v for k, v in recorded["detail"].items() if k not in STAMPED
    }
    assert (driven["detail-type"], driven["source"], driven["account"]) == (
        recorded["detail-type"],
        recorded["source"],
        "333333333333",
    )
    assert driven["detail"]["awsRegion"] == driven["region"]


def test_the_role_sign_in_is_the_root_sign_in_sample_by_an_assumed_role() -> None:
    """GIVEN the non-root sign-in the replay drives THEN it is the root sign-in sample but for the signer."""
    events = {e.kind: e.event for e in events_for("333333333333", [])}
    role, root = events["role console sign-in (not root)"], events["root console sign-in"]
    assert role["detail"]["userIdentity"]["type"] == "AssumedRole"
    same = {k for k in root["detail"] if k not in STAMPED | {"userIdentity"}}
    assert {k: role["detail"][k] for k in same} == {k: root["detail"][k] for k in same}


def test_sign_ins_happen_in_us_east_1_and_api_calls_in_each_region() -> None:
    """Sign-ins are put in us-east-1 only; regional API calls once per region asked for."""
    driven = events_for("333333333333", ["eu-west-1", "ap-south-1"])
    sign_ins = {e.region for e in driven if e.event["detail"]["eventName"] == "ConsoleLogin"}
    api_regions = {e.region for e in driven if e.kind == "root API call"}
    assert sign_ins == {"us-east-1"}
    assert api_regions == {"eu-west-1", "ap-south-1"}
    assert len({e.event_id for e in driven}) == len(driven)
