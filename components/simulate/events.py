"""CloudTrail-shaped EventBridge events the replay puts on each account's default bus.

Each is a CloudTrail record from samples/, shipped inside the package (the `simulate` command must work
from an installed wheel, where the tests are absent) and linked from tests/events/, so the notifier's tests
and the replay use the same records. Identifiers and times are derived from the account, region and kind,
so runs are reproducible and each event can be traced to the notification that reports it.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..event_pattern import API_CALL_DETAIL_TYPE, CONSOLE_SIGN_IN_DETAIL_TYPES
from ..regions import GLOBAL_EVENTS_REGION

_BASE_TIME = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
_NAMESPACE = uuid.UUID("3b0f7a4e-6d1c-4e0e-9a51-2f1c8d7e5a10")

API_CALL = API_CALL_DETAIL_TYPE
CONSOLE_SIGN_IN = CONSOLE_SIGN_IN_DETAIL_TYPES[0]


@dataclass(frozen=True)
class DrivenEvent:
    """One event the replay puts on a default bus, and whether it is root activity."""

    kind: str
    account_id: str
    region: str
    root: bool
    event: dict[str, Any]

    @property
    def event_id(self) -> str:
        """The CloudTrail eventID, which the notification repeats for each event it reports."""
        return str(self.event["detail"]["eventID"])


def assumed_role_identity(account_id: str) -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEADMIN:alice",
        "arn": f"arn:aws:sts::{account_id}:assumed-role/Admin/alice",
        "accountId": account_id,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEADMIN",
                "arn": f"arn:aws:iam::{account_id}:role/Admin",
                "accountId": account_id,
                "userName": "Admin",
            },
            "attributes": {"creationDate": "2025-03-14T09:00:00Z", "mfaAuthenticated": "true"},
        },
    }


def api_call(
    identity: dict[str, Any], *, service: str, name: str, read_only: bool, parameters: dict[str, Any]
) -> dict[str, Any]:
    return {
        "userIdentity": identity,
        "eventSource": f"{service}.amazonaws.com",
        "eventName": name,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.24.5 md/awscrt#0.23.8 ua/2.1 os/linux#6.8.0 lang/python#3.12.9",
        "requestParameters": parameters,
        "responseElements": None,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "eventCategory": "Management",
    }


def envelope(
    kind: str, *, account_id: str, region: str, detail_type: str, detail: dict[str, Any], offset: int
) -> dict[str, Any]:
    event_id = str(uuid.uuid5(_NAMESPACE, f"{account_id}/{region}/{kind}"))
    time = (_BASE_TIME + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
    source = "aws." + str(detail["eventSource"]).split(".")[0]
    full_detail = {
        "eventVersion": "1.11",
        **detail,
        "eventTime": time,
        "awsRegion": region,
        "eventID": event_id,
        "recipientAccountId": account_id,
    }
    if detail_type == API_CALL:  # sign-in records carry no request ID
        full_detail["requestID"] = str(uuid.uuid5(_NAMESPACE, f"request/{event_id}"))
    return {
        "version": "0",
        "id": str(uuid.uuid5(_NAMESPACE, f"envelope/{event_id}")),
        "detail-type": detail_type,
        "source": source,
        "account": account_id,
        "time": time,
        "region": region,
        "resources": [],
        "detail": full_detail,
    }


SAMPLES = Path(__file__).resolve().parent / "samples"
"""The CloudTrail records the replay drives, kept once (tests/events/ links here for the notifier's tests)."""


@functools.cache
def _sample_text(name: str) -> str:
    return (SAMPLES / f"{name}.json").read_text(encoding="utf-8")


def from_sample(
    name: str, account_id: str, identity: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """A sample's detail-type and CloudTrail detail, moved to `account_id` (and given `identity` if any);
    `envelope` then stamps its region, time and IDs."""
    sample = json.loads(_sample_text(name))
    moved = json.loads(_sample_text(name).replace(str(sample["account"]), account_id))
    detail: dict[str, Any] = moved["detail"]
    if identity is not None:
        detail["userIdentity"] = identity
    return str(moved["detail-type"]), detail


_Builder = Callable[[str], tuple[str, dict[str, Any]]]

# kind → (root?, builder(account) → (detail-type, detail)). Sign-ins happen in us-east-1, the rest in each
# region.
_SIGN_IN_EVENTS: dict[str, tuple[bool, _Builder]] = {
    "root console sign-in": (True, lambda account: from_sample("root_console_signin_mfa", account)),
    "failed root sign-in": (True, lambda account: from_sample("root_console_signin_failure", account)),
    "AssumeRoot session action": (True, lambda account: from_sample("root_assume_root_session", account)),
    "role console sign-in (not root)": (
        False,
        lambda account: from_sample("root_console_signin_mfa", account, assumed_role_identity(account)),
    ),
}

_REGIONAL_EVENTS: dict[str, tuple[bool, _Builder]] = {
    "root API call": (True, lambda account: from_sample("root_api_write_eu_west_1", account)),
    "root read-only call": (True, lambda account: from_sample("root_api_read_only", account)),
    "IAM user API call (not root)": (False, lambda account: from_sample("non_root_iam_user", account)),
}


def events_for(account_id: str, regions: Iterable[str]) -> list[DrivenEvent]:
    """Every event the replay drives in one account: sign-ins in us-east-1, API calls in each region."""
    driven: list[DrivenEvent] = []
    offset = 0
    targets = [(GLOBAL_EVENTS_REGION, kind, spec) for kind, spec in _SIGN_IN_EVENTS.items()]
    targets += [(region, kind, spec) for region in regions for kind, spec in _REGIONAL_EVENTS.items()]
    for region, kind, (root, build) in targets:
        detail_type, detail = build(account_id)
        event = envelope(
            kind, account_id=account_id, region=region, detail_type=detail_type, detail=detail, offset=offset
        )
        driven.append(DrivenEvent(kind=kind, account_id=account_id, region=region, root=root, event=event))
        offset += 7
    return driven


FORGED_SOURCES = {
    "forged root event (custom source)": "custom.cloudtrail",
    "forged root event (aws. source)": "aws.iam",
}


def forged_events(sender: str, victim: str) -> list[DrivenEvent]:
    """Custom events a member account puts on the hub bus itself, shaped like a root credential change in
    another account; neither may be notified as root activity (`root` is False)."""
    forged: list[DrivenEvent] = []
    for offset, (kind, source) in enumerate(FORGED_SOURCES.items()):
        detail_type, detail = from_sample("root_create_access_key", victim)
        event = envelope(
            kind,
            account_id=victim,
            region=GLOBAL_EVENTS_REGION,
            detail_type=detail_type,
            detail=detail,
            offset=offset,
        )
        event["source"] = source
        forged.append(
            DrivenEvent(kind=kind, account_id=sender, region=GLOBAL_EVENTS_REGION, root=False, event=event)
        )
    return forged
