"""What the notifier knows about one root event, read from an EventBridge envelope and its CloudTrail record.

Read only after intake has checked every field used here has the right JSON type, so this trusts types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

ASSUME_ROOT = ("sts.amazonaws.com", "AssumeRoot")
# sts:AssumeRoot sessions last at most 900 s (DurationSeconds), the STS API reference says.
ASSUME_ROOT_MAX_SECONDS = 900
# targetPrincipal: the member account's ID, or its root user's ARN.
_ACCOUNT_ID = re.compile(r"(?P<account>\d{12})")
_ACCOUNT_ARN = re.compile(r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):root")
_EXPIRATION_FORMAT = "%b %d, %Y, %I:%M:%S %p"  # as CloudTrail writes it: "Oct 25, 2024, 9:07:11 PM"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True, slots=True)
class AssumeRootCall:
    """An sts:AssumeRoot call: who opened a root session in which member account, for what, until when.

    A refused call opened nothing: its target is only what the caller asked for, text of the caller's
    choosing, so it names no account (``target_account`` is empty) and is shown only quoted.
    """

    target_account: str
    """The member account the session was opened in; empty when the call was refused or names none."""
    caller: str
    task: str
    issued_key: str
    """The access key ID of the session's credentials, which its actions in the member account carry."""
    expires: str
    """When the session ends, as an eventTime-style UTC timestamp; empty when unknown."""
    requested_target: str = ""
    """``requestParameters.targetPrincipal`` as the caller wrote it."""
    refused: bool = False
    """The call failed (``errorCode`` or ``errorMessage``): no session was opened."""


@dataclass(frozen=True, slots=True)
class RootEvent:
    """The fields of a root user's CloudTrail record that classification and notifications use."""

    message_id: str
    event_id: str
    event_name: str
    event_source: str
    event_time: str
    event_type: str
    aws_region: str
    account_id: str
    """The account to report: the EventBridge envelope's, which EventBridge sets (the AssumeRoot target)."""
    source_ip: str
    user_agent: str
    access_key_id: str
    invoked_by: str
    error_code: str
    error_message: str
    read_only: bool | None
    assumed_root: bool
    mfa_used: str
    """``"Yes"``/``"No"``: ``additionalEventData.MFAUsed`` in any case, or ``"Yes"`` for an MFAIdentifier."""
    result: str
    """``responseElements.<eventName>`` when it is text, e.g. ``"Success"``/``"Failure"`` for a sign-in."""
    dedupe_id: str = ""
    """What tells two deliveries of this event apart: eventID, else the envelope id, else the messageId."""
    claimed_account: str = ""
    """``recipientAccountId`` when it disagrees with the envelope's account: a sign of forgery."""
    identity_arn: str = ""
    assume_root_call: AssumeRootCall | None = None
    root_path: str = ""
    """What a call by someone other than root did to root (e.g. "Root email changed"); see root_paths."""
    issued_by_root: bool = False
    """The actor's session was issued by root (e.g. a federated user from root's GetFederationToken)."""

    @property
    def session(self) -> str:
        """The actor session: the access key ID (for AssumeRoot, the key it issued), else the source IP."""
        if self.assume_root_call is not None and self.assume_root_call.issued_key:
            return self.assume_root_call.issued_key
        return self.access_key_id or self.source_ip

    @property
    def failed(self) -> bool:
        return bool(self.error_code or self.error_message) or self.result == "Failure"

    @property
    def console_login(self) -> str:
        """``responseElements.ConsoleLogin`` of a sign-in; empty for other events."""
        return self.result if self.event_name == "ConsoleLogin" else ""


def text(value: object) -> str:
    """A string field, or empty; intake has already refused fields of other types."""
    return value if isinstance(value, str) else ""


def member(container: object, key: str) -> object:
    return container.get(key) if isinstance(container, dict) else None


def mfa_used(additional: object) -> str:
    """ "Yes"/"No" whatever case CloudTrail used; an MFAIdentifier shows MFA even without MFAUsed."""
    used = text(member(additional, "MFAUsed")).strip().lower()
    if used == "yes" or text(member(additional, "MFAIdentifier")):
        return "Yes"
    return "No" if used == "no" else ""


def assume_root_call(detail: dict[str, Any], identity: dict[str, Any]) -> AssumeRootCall | None:
    """The AssumeRoot call this record shows, or None for any other record."""
    if (text(detail.get("eventSource")), text(detail.get("eventName"))) != ASSUME_ROOT:
        return None
    parameters = detail.get("requestParameters")
    requested = text(member(parameters, "targetPrincipal"))
    refused = bool(text(detail.get("errorCode")) or text(detail.get("errorMessage")))
    target = None if refused else _ACCOUNT_ID.fullmatch(requested) or _ACCOUNT_ARN.fullmatch(requested)
    task_arn = text(member(member(parameters, "taskPolicyArn"), "arn"))
    credentials = member(detail.get("responseElements"), "credentials")
    return AssumeRootCall(
        target_account=target.group("account") if target else "",
        caller=text(identity.get("arn")) or text(identity.get("principalId")) or "an unnamed caller",
        task=task_arn.rsplit("/", 1)[-1] or "an unnamed task",
        issued_key=text(member(credentials, "accessKeyId")),
        expires=_expiry(text(member(credentials, "expiration")), text(detail.get("eventTime")), parameters),
        requested_target=requested,
        refused=refused,
    )


def _expiry(expiration: str, event_time: str, parameters: object) -> str:
    try:
        return datetime.strptime(expiration, _EXPIRATION_FORMAT).strftime(_TIME_FORMAT)
    except ValueError:
        pass
    try:
        start = datetime.fromisoformat(event_time)
    except ValueError:
        return ""
    duration = member(parameters, "durationSeconds")
    seconds = duration if isinstance(duration, int) and 0 < duration <= ASSUME_ROOT_MAX_SECONDS else None
    end = start + timedelta(seconds=seconds or ASSUME_ROOT_MAX_SECONDS)
    return end.astimezone(UTC).strftime(_TIME_FORMAT)
