"""Paths that re-open or change root without root acting: who did it is not root, but it is about root.

A management-account role can start and accept a member's root email change, turn centralized root
credential management or root sessions on and off; a root password recovery is a sign-in step; and root
can hand out sessions of its own (a federated user from root's `GetFederationToken`), whose records carry
`sessionContext.sessionIssuer.type: "Root"`. The forwarding rules match these by name (the components'
`event_pattern`, which a test keeps equal to `CALLS`), and the notifier reports them whoever the actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .root_event import member, text

ACCOUNT = "account.amazonaws.com"
IAM = "iam.amazonaws.com"
SIGNIN = "signin.amazonaws.com"
# (eventSource, eventName) → what the call does to root.
CALLS: dict[tuple[str, str], str] = {
    (ACCOUNT, "StartPrimaryEmailUpdate"): "Root email change started",
    (ACCOUNT, "AcceptPrimaryEmailUpdate"): "Root email changed",
    (IAM, "EnableOrganizationsRootCredentialsManagement"): "Central root credential management turned on",
    (IAM, "DisableOrganizationsRootCredentialsManagement"): "Central root credential management turned off",
    (IAM, "EnableOrganizationsRootSessions"): "Central root sessions turned on",
    (IAM, "DisableOrganizationsRootSessions"): "Central root sessions turned off",
    (SIGNIN, "PasswordRecoveryRequested"): "Root password recovery requested",
    (SIGNIN, "PasswordRecoveryCompleted"): "Root password recovery completed",
}
# Turning central management on takes root away from members: worth knowing (HIGH), not an emergency.
HARDENING = frozenset({"EnableOrganizationsRootCredentialsManagement", "EnableOrganizationsRootSessions"})
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class RootPath:
    """How a record by someone other than root concerns root."""

    label: str
    """What a listed call does to root; empty for an ordinary call in a session root issued."""
    target_account: str
    """The member account a call names (`requestParameters.accountId`), when it names one."""
    issued_by_root: bool


def root_path(detail: dict[str, Any], identity: dict[str, Any]) -> RootPath | None:
    """How this non-root record concerns root, or None when it does not."""
    label = CALLS.get((text(detail.get("eventSource")), text(detail.get("eventName"))), "")
    issuer = member(member(identity.get("sessionContext"), "sessionIssuer"), "type")
    issued_by_root = text(issuer) == "Root"
    if not label and not issued_by_root:
        return None
    target = text(member(detail.get("requestParameters"), "accountId"))
    return RootPath(label, target if _ACCOUNT_ID.match(target) else "", issued_by_root)
