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
CONSOLE_ACTION_DETAIL_TYPE = "AWS Console Action via CloudTrail"
SERVICE_EVENT_DETAIL_TYPE = "AWS Service Event via CloudTrail"
ROOT_ACTIVITY_DETAIL_TYPES: tuple[str, ...] = (
    API_CALL_DETAIL_TYPE,
    *CONSOLE_SIGN_IN_DETAIL_TYPES,
    CONSOLE_ACTION_DETAIL_TYPE,
    SERVICE_EVENT_DETAIL_TYPE,
)
# Events CloudTrail delivers always have a source starting with "aws."; PutEvents refuses that prefix for
# custom events, so requiring it is what stops an account allowed onto the hub bus forging root activity.
AWS_SOURCE_PREFIX = "aws."
ASSUME_ROOT_EVENT_SOURCE = "sts.amazonaws.com"
ASSUME_ROOT_EVENT_NAME = "AssumeRoot"

# Calls that re-open or change root whoever makes them (the handler's root_paths.CALLS; a test keeps them
# equal): a member's root email, central root management and root sessions, root password recovery.
ROOT_PATH_CALLS: dict[str, tuple[str, ...]] = {
    "account.amazonaws.com": ("StartPrimaryEmailUpdate", "AcceptPrimaryEmailUpdate"),
    "iam.amazonaws.com": (
        "EnableOrganizationsRootCredentialsManagement",
        "DisableOrganizationsRootCredentialsManagement",
        "EnableOrganizationsRootSessions",
        "DisableOrganizationsRootSessions",
    ),
    "signin.amazonaws.com": ("PasswordRecoveryRequested", "PasswordRecoveryCompleted"),
}

# A rule in state ENABLED skips read-only management events (Describe*, Get*, List*); root reading
# things is still root activity.
ROOT_ACTIVITY_RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def root_activity_pattern() -> dict[str, Any]:
    """CloudTrail records, delivered by AWS, of the root user or of centralized root access.

    Three ways to be root: the identity type `Root` (the root user's own credentials, and, as published
    samples show, an `sts:AssumeRoot` session in the member account); a session marked
    `sessionContext.assumedRoot: "true"` whatever type CloudTrail gives it; and the `sts:AssumeRoot` call
    itself, recorded in the management account by the role that asked (matched by name, so it is seen
    even should AWS stop marking the caller's session). Also, whoever acts: the calls that re-open or change
    root (`ROOT_PATH_CALLS`) and every call in a session root issued (`sessionIssuer.type` "Root").
    """
    return {
        "source": [{"prefix": AWS_SOURCE_PREFIX}],
        "detail-type": list(ROOT_ACTIVITY_DETAIL_TYPES),
        "$or": [
            {"detail": {"userIdentity": {"type": ["Root"]}}},
            {"detail": {"userIdentity": {"sessionContext": {"assumedRoot": ["true"]}}}},
            {
                "detail": {
                    "eventSource": [ASSUME_ROOT_EVENT_SOURCE],
                    "eventName": [ASSUME_ROOT_EVENT_NAME],
                }
            },
            *(
                {"detail": {"eventSource": [source], "eventName": list(names)}}
                for source, names in ROOT_PATH_CALLS.items()
            ),
            {"detail": {"userIdentity": {"sessionContext": {"sessionIssuer": {"type": ["Root"]}}}}},
        ],
    }


ROOT_ACTIVITY_EVENT_PATTERN: str = json.dumps(root_activity_pattern(), sort_keys=True)
"""The pattern as the JSON string EventBridge takes."""
