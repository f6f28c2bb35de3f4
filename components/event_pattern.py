"""The one EventBridge pattern that selects root-user activity; every rule in both components uses it."""

from __future__ import annotations

import json
from typing import Any

API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# The documentation spells the sign-in detail-type both ways; matching both costs nothing.
CONSOLE_SIGN_IN_DETAIL_TYPES: tuple[str, ...] = (
    "AWS Console Sign In via CloudTrail",
    "AWS Console Signin via CloudTrail",
)
ROOT_ACTIVITY_DETAIL_TYPES: tuple[str, ...] = (API_CALL_DETAIL_TYPE, *CONSOLE_SIGN_IN_DETAIL_TYPES)

# A rule in state ENABLED skips read-only management events (Describe*, Get*, List*); root reading
# things is still root activity.
ROOT_ACTIVITY_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def root_activity_pattern() -> dict[str, Any]:
    """CloudTrail API calls and console sign-ins made by the root user.

    Two ways to be root: the identity type `Root` (the root user's own credentials, and, as published
    samples show, an `sts:AssumeRoot` session in the member account), or a session marked
    `sessionContext.assumedRoot: "true"` whatever type CloudTrail gives it — centralized root access is
    still root, and matching the marker keeps those sessions visible should the recorded type differ.
    """
    return {
        "detail-type": list(ROOT_ACTIVITY_DETAIL_TYPES),
        "$or": [
            {"detail": {"userIdentity": {"type": ["Root"]}}},
            {"detail": {"userIdentity": {"sessionContext": {"assumedRoot": ["true"]}}}},
        ],
    }


ROOT_ACTIVITY_EVENT_PATTERN: str = json.dumps(root_activity_pattern(), sort_keys=True)
"""The pattern as the JSON string EventBridge takes."""
