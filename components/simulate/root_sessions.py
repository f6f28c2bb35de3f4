"""Centralized root access for the simulation: AssumeRoot, the feature check and root's IAM reads, stubbed.

moto has no `sts:AssumeRoot`, `iam:ListOrganizationsFeatures` or root-credential audit. botocore's Stubber
answers them instead, and checks every request against the real service model: AssumeRoot for each account
in `roots` (by account ID, with the audit task), then the four reads of that session. Used by `simulate
--org`'s posture report, the audit's tests and its bench. The IAM answers for a root user are shaped as the
service model requires; no published sample of them exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.stub import Stubber

from ..posture_policies import AUDIT_TASK_POLICY_ARN, ROOT_SESSION_SECONDS

FEATURES = ("RootCredentialsManagement", "RootSessions")
CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SESSION_EXPIRES = datetime(2026, 12, 4, 3, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Root:
    """What one member's root user holds."""

    password: bool = False
    active_keys: int = 0
    inactive_keys: int = 0
    mfa_devices: int = 0
    certificates: int = 0


CLEAN = Root()
"""An account Organizations created: its root has no password, key, MFA device or certificate."""


@dataclass
class StubbedRootAccess:
    """Clients whose centralized-root-access calls the Stubber answers."""

    region: str
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    roots: dict[str, Root] = field(default_factory=dict)
    """Account ID → what its root holds; each gets one AssumeRoot, in account ID order."""
    errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(account ID, operation) → error codes answered first, in order (AccessDenied: no answer after)."""
    check_order: bool = True
    """Expect AssumeRoot for the accounts in ID order; off when several workers call in any order."""
    stubs: list[Stubber] = field(default_factory=list)

    def features_client(self) -> Any:
        """An IAM client that answers ListOrganizationsFeatures once."""
        iam = boto3.client("iam", region_name=self.region)
        stub = self._stub(iam)
        stub.add_response(
            "list_organizations_features",
            {"OrganizationId": "o-exampleorgid", "EnabledFeatures": self.features},
            {},
        )
        return iam

    def sts_client(self, endpoint_url: str) -> Any:
        """An STS client (on `endpoint_url`) that answers one AssumeRoot per account of `roots`."""
        sts = boto3.client("sts", region_name=self.region, endpoint_url=endpoint_url)
        stub = self._stub(sts)
        for account in sorted(self.roots):
            codes = self.errors.get((account, "assume_root"), [])
            for code in codes:
                stub.add_client_error("assume_root", service_error_code=code, http_status_code=400)
            if "AccessDenied" in codes:
                continue
            params = {
                "TargetPrincipal": account,
                "TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN},
                "DurationSeconds": ROOT_SESSION_SECONDS,
            }
            stub.add_response("assume_root", _session(account), params if self.check_order else None)
        return sts

    def iam_for(self, credentials: dict[str, Any]) -> Any:
        """An IAM client for one root session, answering the four reads as that account's root."""
        account = credentials["AccessKeyId"].removeprefix("ASIA")
        root = self.roots[account]
        client = boto3.client(
            "iam",
            region_name=self.region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        stub = self._stub(client)
        self._errors(stub, account, "get_login_profile")
        if root.password:
            stub.add_response(
                "get_login_profile", {"LoginProfile": {"UserName": "root", "CreateDate": CREATED}}, {}
            )
        else:
            stub.add_client_error(
                "get_login_profile", service_error_code="NoSuchEntity", http_status_code=404
            )
        self._errors(stub, account, "list_access_keys")
        statuses = ["Active"] * root.active_keys + ["Inactive"] * root.inactive_keys
        keys = [
            {"AccessKeyId": f"AKIA{account}{n:04d}", "Status": status, "CreateDate": CREATED}
            for n, status in enumerate(statuses)
        ]
        stub.add_response("list_access_keys", {"AccessKeyMetadata": keys}, {})
        devices = [
            {
                "UserName": "root",
                "SerialNumber": f"arn:aws:iam::{account}:mfa/root-{n}",
                "EnableDate": CREATED,
            }
            for n in range(root.mfa_devices)
        ]
        stub.add_response("list_mfa_devices", {"MFADevices": devices}, {})
        certificates = [
            {
                "UserName": "root",
                "CertificateId": f"CERT{account}{n:024d}",
                "CertificateBody": "-----BEGIN CERTIFICATE-----",
                "Status": "Active",
            }
            for n in range(root.certificates)
        ]
        stub.add_response("list_signing_certificates", {"Certificates": certificates}, {})
        return client

    def assert_all_used(self) -> None:
        """Every answer given was asked for."""
        for stub in self.stubs:
            stub.assert_no_pending_responses()

    def _stub(self, client: Any) -> Stubber:
        stub = Stubber(client)
        stub.activate()
        self.stubs.append(stub)
        return stub

    def _errors(self, stub: Stubber, account: str, operation: str) -> None:
        for code in self.errors.get((account, operation), []):
            stub.add_client_error(operation, service_error_code=code, http_status_code=400)


def _session(account: str) -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": f"ASIA{account}",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": SESSION_EXPIRES,
        },
        "SourceIdentity": "root-activity-monitor",
    }
