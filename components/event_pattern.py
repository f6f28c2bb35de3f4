"""The one EventBridge pattern that selects root-user activity; every rule in both components uses it."""

from __future__ import annotations

import json
from typing import Any

# The documentation spells the sign-in detail-type both ways; matching both costs nothing.
ROOT_ACTIVITY_DETAIL_TYPES: tuple[str, ...] = (
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Console Signin via CloudTrail",
)

# A rule in state ENABLED skips read-only management events (Describe*, Get*, List*); root reading
# things is still root activity.
ROOT_ACTIVITY_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def root_activity_pattern() -> dict[str, Any]:
    """CloudTrail API calls and console sign-ins whose identity is the root user."""
    return {
        "detail-type": list(ROOT_ACTIVITY_DETAIL_TYPES),
        "detail": {"userIdentity": {"type": ["Root"]}},
    }


ROOT_ACTIVITY_EVENT_PATTERN: str = json.dumps(root_activity_pattern(), sort_keys=True)
"""The pattern as the JSON string EventBridge takes."""
