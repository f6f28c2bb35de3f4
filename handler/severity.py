"""How alarming one root event is: an ordered rule table, first match wins.

Read RULES top to bottom; the sets of calls that are always CRITICAL are in CRITICAL_CALLS below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from .root_event import RootEvent
from .root_paths import HARDENING as ROOT_PATH_HARDENING
from .textsafe import quoted


class Severity(IntEnum):
    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    severity: Severity
    reason: str
    """One line for people, e.g. "Root credential change: CreateAccessKey (failed: AccessDenied)"."""
    kind: str
    """The rule that matched; selects the "what to do next" advice."""


ASSUME_ROOT_LABEL = "centralized root access (sts:AssumeRoot)"
SIGNIN_SOURCE = "signin.amazonaws.com"
READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Check", "View")

# (label, eventSource, eventNames): calls that change root credentials or the account's security posture.
_CRITICAL_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Root credential change", "iam.amazonaws.com", (
        "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
        "UploadSigningCertificate", "UpdateSigningCertificate", "DeleteSigningCertificate",
        "CreateVirtualMFADevice", "EnableMFADevice", "DeactivateMFADevice", "DeleteVirtualMFADevice",
        "ResyncMFADevice", "CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile", "ChangePassword",
    )),
    ("Root credential change", SIGNIN_SOURCE, (
        "PasswordRecoveryRequested", "PasswordRecoveryCompleted", "PasswordUpdated",
    )),
    ("Account security setting change", "iam.amazonaws.com", (
        "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
        "CreateAccountAlias", "DeleteAccountAlias", "SetSecurityTokenServicePreferences",
    )),
    ("Account or contact change", "account.amazonaws.com", (
        "PutContactInformation", "PutAlternateContact", "DeleteAlternateContact", "PutAccountName",
        "StartPrimaryEmailUpdate", "AcceptPrimaryEmailUpdate", "EnableRegion", "DisableRegion",
    )),
    ("Billing change", "aws-portal.amazonaws.com", (
        "ModifyAccount", "ModifyBilling", "ModifyPaymentMethods",
    )),
    ("Audit trail change", "cloudtrail.amazonaws.com", (
        "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
        "DeleteEventDataStore", "UpdateEventDataStore", "StopEventDataStoreIngestion",
    )),
    ("Organization change", "organizations.amazonaws.com", (
        "LeaveOrganization", "RemoveAccountFromOrganization", "DeleteOrganization", "CloseAccount",
    )),
    ("Security monitoring disabled", "guardduty.amazonaws.com", (
        "DeleteDetector", "DisassociateFromMasterAccount",
    )),
    ("Security monitoring disabled", "securityhub.amazonaws.com", ("DisableSecurityHub",)),
    ("Security monitoring disabled", "config.amazonaws.com", (
        "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel",
    )),
)  # fmt: skip
CRITICAL_CALLS: dict[tuple[str, str], str] = {
    (source, name): label for label, source, names in _CRITICAL_GROUPS for name in names
}


def _suspicious(e: RootEvent) -> bool:
    return bool(e.claimed_account)


def _root_path_hardening(e: RootEvent) -> bool:
    return bool(e.root_path) and e.event_name in ROOT_PATH_HARDENING


def _root_path_change(e: RootEvent) -> bool:
    return bool(e.root_path)


def _assume_root(e: RootEvent) -> bool:
    return e.assume_root_call is not None


def is_service_principal(invoked_by: str) -> bool:
    """A genuine AWS service principal; the console's sign-in service stands for the person using it."""
    return invoked_by == "AWS Internal" or (
        invoked_by.endswith(".amazonaws.com") and invoked_by != SIGNIN_SOURCE
    )


def _by_service(e: RootEvent) -> bool:
    return is_service_principal(e.invoked_by) or e.event_type == "AwsServiceEvent"


def _console_login(e: RootEvent) -> bool:
    return e.event_name == "ConsoleLogin"


def is_failed_sign_in(e: RootEvent) -> bool:
    return _console_login(e) and e.failed


def _sign_in_without_mfa(e: RootEvent) -> bool:
    return _console_login(e) and e.mfa_used != "Yes"


def _critical_call(e: RootEvent) -> bool:
    return (e.event_source, e.event_name) in CRITICAL_CALLS


def _failed_reset_step(e: RootEvent) -> bool:
    # A failed password reset step changed nothing, and whoever tried had not proved to be root; a failed
    # IAM call, by contrast, was made with root's credentials and stays CRITICAL.
    return e.failed and e.event_source == SIGNIN_SOURCE and _critical_call(e)


def _other_sign_in_step(e: RootEvent) -> bool:
    return e.event_source == SIGNIN_SOURCE


def _write(e: RootEvent) -> bool:
    if e.read_only is not None:
        return not e.read_only
    return not e.event_name.startswith(READ_PREFIXES)


def _always(_: RootEvent) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    severity: Severity
    reason: str
    applies: Callable[[RootEvent], bool]


RULES: tuple[Rule, ...] = (
    Rule("suspicious",     Severity.CRITICAL, "Suspicious root event",              _suspicious),
    Rule("root-path-on",   Severity.HIGH,     "",                                   _root_path_hardening),
    Rule("root-path",      Severity.CRITICAL, "",                                   _root_path_change),
    Rule("assume-root",    Severity.MEDIUM,   "Centralized root access",            _assume_root),
    Rule("service",        Severity.INFO,     "AWS service acting for root",        _by_service),
    Rule("signin-failed",  Severity.HIGH,     "Failed root console sign-in",        is_failed_sign_in),
    Rule("signin-no-mfa",  Severity.CRITICAL, "Root console sign-in without MFA",   _sign_in_without_mfa),
    Rule("signin-mfa",     Severity.HIGH,     "Root console sign-in with MFA",      _console_login),
    Rule("critical-failed", Severity.HIGH,    "Failed attempt",                     _failed_reset_step),
    Rule("critical-call",  Severity.CRITICAL, "",                                   _critical_call),
    Rule("signin-step",    Severity.LOW,      "Root sign-in step",                  _other_sign_in_step),
    Rule("write",          Severity.HIGH,     "Root write call",                    _write),
    Rule("read",           Severity.MEDIUM,   "Root read-only call",                _always),
)  # fmt: skip


def classify(event: RootEvent) -> Verdict:
    """The first rule that applies, with a reason naming the call, its failure and an AssumeRoot session."""
    rule = next(r for r in RULES if r.applies(event))
    reason = _reason(rule, event)
    if event.failed and rule.kind not in ("signin-failed", "suspicious"):
        reason += f" (failed: {event.error_code or event.error_message or event.result})"
    if event.assumed_root:
        reason += f" via {ASSUME_ROOT_LABEL}"
    if event.issued_by_root:
        reason += f" in a session issued by root ({event.identity_arn or 'unnamed'})"
    return Verdict(rule.severity, reason, rule.kind)


def _reason(rule: Rule, event: RootEvent) -> str:
    call = event.assume_root_call
    if rule.kind == "suspicious":
        # Short enough that the SNS subject shows both accounts.
        return f"Possible forgery: {event.account_id} sent a root event claiming {event.claimed_account}"
    if rule.kind in ("root-path", "root-path-on"):
        return f"{event.root_path}: {event.event_name} by {event.identity_arn or 'an unnamed caller'}"
    if call is not None and call.refused:
        # The target is whatever the caller typed; quoted, it cannot pass for an account or a headline.
        requested = quoted(call.requested_target) if call.requested_target else "no target"
        return f"Refused centralized root access by {call.caller} for {call.task}, requested for {requested}"
    if call is not None:
        target = call.target_account or "an unnamed account"
        return f"Centralized root access to {target} by {call.caller} for {call.task}"
    if rule.kind in ("critical-call", "critical-failed"):
        label = CRITICAL_CALLS[(event.event_source, event.event_name)]
        if rule.kind == "critical-failed":
            return f"{rule.reason}: {label}: {event.event_name}"
        return f"{label}{' attempt' if event.failed else ''}: {event.event_name}"
    if rule.kind in ("signin-failed", "signin-no-mfa", "signin-mfa"):
        return rule.reason
    reason = f"{rule.reason}: {event.event_name}"
    if rule.kind == "service":
        reason += f" ({event.invoked_by or event.event_type})"
    return reason


PASSWORD_GUESSING_THRESHOLD = 2


def password_guessing(failed_sign_ins: int, addresses: int) -> Verdict | None:
    """Several failed root sign-ins to one account in one batch look like someone guessing the password."""
    if failed_sign_ins < PASSWORD_GUESSING_THRESHOLD:
        return None
    reason = (
        f"Possible password guessing: {failed_sign_ins:,} failed root sign-ins "
        f"from {addresses:,} address{'es' if addresses != 1 else ''}"
    )
    return Verdict(Severity.CRITICAL, reason, "password-guessing")
