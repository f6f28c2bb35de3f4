"""One member account's root credentials, as an IAMAuditRootUserCredentials root session finds them.

`sts:AssumeRoot` (on a regional endpoint: the global one refuses it) opens a root session in the member
account whose only permissions are the task policy's reads; with it, `GetLoginProfile`, `ListAccessKeys`,
`ListMFADevices` and `ListSigningCertificates` without a user name describe the root user. A row of the
posture table holds the result per account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError

AUDIT_TASK_POLICY_ARN = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
# The task needs seconds; AWS allows at most 900 (the components' posture_policies.ROOT_SESSION_SECONDS).
SESSION_SECONDS = 900
NO_SUCH_ENTITY = "NoSuchEntity"
ACTIVE = "Active"

IamFactory = Callable[[dict[str, Any]], Any]
"""AssumeRoot's `Credentials` → an IAM client signing with them."""
T = TypeVar("T")
Retry = Callable[[Callable[[], T]], T]
"""Makes one call, retrying it while AWS throttles."""


def _once(call: Callable[[], T]) -> T:
    return call()


@dataclass(frozen=True, slots=True)
class RootCredentials:
    """What the root user of one account holds."""

    account_id: str
    account_name: str
    password: bool
    active_keys: int
    inactive_keys: int
    mfa_devices: int
    certificates: int
    checked_at: str
    """ISO 8601 UTC time of the audit."""

    @property
    def keys(self) -> int:
        return self.active_keys + self.inactive_keys

    @property
    def has_credentials(self) -> bool:
        """Anything that could let someone act as root without AssumeRoot, or help them to."""
        return bool(self.password or self.keys or self.mfa_devices or self.certificates)

    def item(self) -> dict[str, Any]:
        """The DynamoDB item (low-level attribute values)."""
        return {
            "accountId": {"S": self.account_id},
            "accountName": {"S": self.account_name},
            "password": {"BOOL": self.password},
            "activeKeys": {"N": str(self.active_keys)},
            "inactiveKeys": {"N": str(self.inactive_keys)},
            "mfaDevices": {"N": str(self.mfa_devices)},
            "certificates": {"N": str(self.certificates)},
            "checkedAt": {"S": self.checked_at},
        }


def from_item(item: dict[str, Any]) -> RootCredentials:
    """The row read back; raises KeyError/ValueError on an item this module did not write."""
    return RootCredentials(
        account_id=item["accountId"]["S"],
        account_name=item.get("accountName", {}).get("S", item["accountId"]["S"]),
        password=bool(item["password"]["BOOL"]),
        active_keys=int(item["activeKeys"]["N"]),
        inactive_keys=int(item["inactiveKeys"]["N"]),
        mfa_devices=int(item["mfaDevices"]["N"]),
        certificates=int(item["certificates"]["N"]),
        checked_at=item["checkedAt"]["S"],
    )


def audit_account(
    sts: Any,
    iam_for: IamFactory,
    account: tuple[str, str],
    checked_at: str,
    retry: Retry[Any] = _once,
) -> RootCredentials:
    """Open an audit-only root session in the account (ID, name) and read its root credentials (5 calls)."""
    account_id, account_name = account
    session = retry(
        lambda: sts.assume_root(
            TargetPrincipal=account_id,
            TaskPolicyArn={"arn": AUDIT_TASK_POLICY_ARN},
            DurationSeconds=SESSION_SECONDS,
        )
    )
    iam = iam_for(session["Credentials"])
    password = retry(lambda: _has_login_profile(iam))
    keys = retry(iam.list_access_keys)["AccessKeyMetadata"]
    mfa_devices = retry(iam.list_mfa_devices)["MFADevices"]
    certificates = retry(iam.list_signing_certificates)["Certificates"]
    return RootCredentials(
        account_id=account_id,
        account_name=account_name,
        password=password,
        active_keys=sum(1 for key in keys if key.get("Status") == ACTIVE),
        inactive_keys=sum(1 for key in keys if key.get("Status") != ACTIVE),
        mfa_devices=len(mfa_devices),
        certificates=len(certificates),
        checked_at=checked_at,
    )


def _has_login_profile(iam: Any) -> bool:
    try:
        iam.get_login_profile()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == NO_SUCH_ENTITY:
            return False
        raise
    return True
