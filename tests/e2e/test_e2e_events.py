"""The events the replay drives have the shape of the handler's recorded fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from root_activity_monitor.simulate.events import events_for

FIXTURES = Path(__file__).resolve().parents[1] / "events"

# Driven kind → the fixture in tests/events/ it stands for.
COUNTERPARTS = {
    "root console sign-in": "root_console_signin_mfa.json",
    "failed root sign-in": "root_console_signin_failure.json",
    "AssumeRoot session action": "root_assume_root_session.json",
    "root API call": "root_api_write_eu_west_1.json",
    "root read-only call": "root_api_read_only.json",
    "IAM user API call (not root)": "non_root_iam_user.json",
}


@pytest.mark.parametrize(("kind", "fixture"), COUNTERPARTS.items())
def test_driven_event_matches_its_fixture(kind: str, fixture: str) -> None:
    """Envelope keys, detail keys, detail-type, source and identity type agree with the handler fixture."""
    driven = next(e for e in events_for("222222222222", ["eu-west-1"]) if e.kind == kind).event
    recorded = json.loads((FIXTURES / fixture).read_text())
    assert set(driven) == set(recorded)
    assert set(driven["detail"]) == set(recorded["detail"])
    for key in ("detail-type", "version"):
        assert driven[key] == recorded[key]
    assert driven["detail"]["userIdentity"]["type"] == recorded["detail"]["userIdentity"]["type"]
    if kind.startswith("root"):
        assert driven["detail"]["readOnly"] == recorded["detail"]["readOnly"]


def test_sign_ins_happen_in_us_east_1_and_api_calls_in_each_region() -> None:
    """Sign-ins are put in us-east-1 only; regional API calls once per region asked for."""
    driven = events_for("333333333333", ["eu-west-1", "ap-south-1"])
    sign_ins = {e.region for e in driven if e.event["detail"]["eventName"] == "ConsoleLogin"}
    api_regions = {e.region for e in driven if e.kind == "root API call"}
    assert sign_ins == {"us-east-1"}
    assert api_regions == {"eu-west-1", "ap-south-1"}
    assert len({e.event_id for e in driven}) == len(driven)
