"""What changed between two audits: a gained credential is HIGH, a lost one INFO, an account that left INFO.

A run compares every audited account with its previous row. A gained password, access key or signing
certificate means someone can act as root without AssumeRoot again; losing an MFA device while a password
remains leaves a password alone in front of root. Everything else that changed is good news, or news.
"""

from __future__ import annotations

from dataclasses import dataclass

from .posture import RootCredentials

HIGH = "HIGH"
INFO = "INFO"


@dataclass(frozen=True, slots=True)
class PostureChange:
    account_id: str
    account_name: str
    event_name: str
    severity: str
    reason: str
    checked_at: str


def changes(previous: RootCredentials | None, current: RootCredentials) -> list[PostureChange]:
    """The changes from `previous` (None: an account the audit had not seen) to `current`."""
    before = previous or RootCredentials(
        current.account_id, current.account_name, False, 0, 0, 0, 0, current.checked_at
    )
    found: list[PostureChange] = []

    def add(event_name: str, severity: str, reason: str) -> None:
        found.append(
            PostureChange(
                current.account_id, current.account_name, event_name, severity, reason, current.checked_at
            )
        )

    if current.password and not before.password:
        add("RootPasswordGained", HIGH, "the root user has a password again: it can sign in to the console")
    if before.password and not current.password:
        add("RootPasswordRemoved", INFO, "the root user's password is gone")
    if current.active_keys > before.active_keys:
        add("RootAccessKeyGained", HIGH, f"the root user has {_keys(current.active_keys, 'active')}")
    elif current.keys > before.keys:
        add("RootAccessKeyGained", HIGH, f"the root user has {_keys(current.inactive_keys, 'inactive')}")
    if current.keys < before.keys:
        add("RootAccessKeyRemoved", INFO, f"the root user has {_keys(current.keys)}")
    if current.certificates > before.certificates:
        add("RootSigningCertificateGained", HIGH, f"the root user has {_certificates(current)}")
    if current.certificates < before.certificates:
        add("RootSigningCertificateRemoved", INFO, f"the root user has {_certificates(current)}")
    if current.mfa_devices < before.mfa_devices:
        alone = current.password and current.mfa_devices == 0
        reason = (
            "the root user's last MFA device is gone and its password remains"
            if alone
            else (f"the root user has {current.mfa_devices} MFA device(s)")
        )
        add("RootMFADeviceRemoved", HIGH if alone else INFO, reason)
    if current.mfa_devices > before.mfa_devices and previous is not None:
        add("RootMFADeviceAdded", INFO, f"the root user has {current.mfa_devices} MFA device(s)")
    return found


def left(previous: RootCredentials, checked_at: str) -> PostureChange:
    """An account audited before that is no longer an active member (left, suspended or closed)."""
    return PostureChange(
        previous.account_id,
        previous.account_name,
        "AccountLeft",
        INFO,
        "no longer an active member of the organization (left, suspended or closed); its row is removed",
        checked_at,
    )


def _keys(count: int, kind: str = "") -> str:
    return f"{count} {kind + ' ' if kind else ''}access key{'s' if count != 1 else ''}"


def _certificates(row: RootCredentials) -> str:
    return f"{row.certificates} signing certificate{'s' if row.certificates != 1 else ''}"
