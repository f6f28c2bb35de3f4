"""An organization and a posture table in moto; AssumeRoot and the IAM reads stubbed with botocore's Stubber.

moto has no AssumeRoot, ListOrganizationsFeatures or root-credential reads; the Stubber checks every request
against the real service model and answers with what a root session would see. The IAM answers for a root
user are invented (no published sample of them): shaped as the service model requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.stub import Stubber

from handler.posture import AUDIT_TASK_POLICY_ARN, SESSION_SECONDS
from handler.posture_clients import Clients, regional_sts_endpoint

REGION = "us-east-1"
TABLE = "posture"
FEATURES = ["RootCredentialsManagement", "RootSessions"]
CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Root:
    """What one member's root user holds, as the stubbed IAM reads report it."""

    password: bool = False
    active_keys: int = 0
    inactive_keys: int = 0
    mfa_devices: int = 0
    certificates: int = 0


CLEAN = Root()


def create_table() -> None:
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def create_organization(names: list[str]) -> dict[str, str]:
    """A moto organization with one member per name; name -> account ID."""
    organizations = boto3.client("organizations", region_name=REGION)
    organizations.create_organization(FeatureSet="ALL")
    ids = {}
    for name in names:
        status = organizations.create_account(AccountName=name, Email=f"{name}@example.com")
        ids[name] = status["CreateAccountStatus"]["AccountId"]
    return ids


def remove_account(account_id: str) -> None:
    boto3.client("organizations", region_name=REGION).remove_account_from_organization(AccountId=account_id)


@dataclass
class StubbedAws:
    """One run's clients: moto for Organizations and DynamoDB, Stubber for features, STS and root reads."""

    features: list[str] = field(default_factory=lambda: list(FEATURES))
    roots: dict[str, Root] = field(default_factory=dict)
    """Account ID -> what its root holds; every account listed gets an AssumeRoot, by account ID (the audit's
    order when every row is as old as the others)."""
    errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(account ID, operation) -> error codes answered, in order, before the real answer."""
    check_order: bool = True
    stubs: list[Stubber] = field(default_factory=list)
    iam_clients: int = 0

    def clients(self) -> Clients:
        iam = boto3.client("iam", region_name=REGION)
        features = Stubber(iam)
        features.add_response(
            "list_organizations_features",
            {"OrganizationId": "o-exampleorgid", "EnabledFeatures": self.features},
            {},
        )
        sts = boto3.client("sts", region_name=REGION, endpoint_url=regional_sts_endpoint(REGION))
        assume = Stubber(sts)
        for account in sorted(self.roots):
            for code in self.errors.get((account, "assume_root"), []):
                assume.add_client_error("assume_root", service_error_code=code, http_status_code=400)
            params = {
                "TargetPrincipal": account,
                "TaskPolicyArn": {"arn": AUDIT_TASK_POLICY_ARN},
                "DurationSeconds": SESSION_SECONDS,
            }
            if "AccessDenied" in self.errors.get((account, "assume_root"), []):
                continue
            assume.add_response("assume_root", _session(account), params if self.check_order else None)
        for stub in (features, assume):
            stub.activate()
            self.stubs.append(stub)
        return Clients(
            iam=iam,
            organizations=boto3.client("organizations", region_name=REGION),
            sts=sts,
            dynamodb=boto3.client("dynamodb", region_name=REGION),
            iam_for=self.iam_for,
        )

    def iam_for(self, credentials: dict[str, Any]) -> Any:
        account = credentials["AccessKeyId"].removeprefix("ASIA")
        self.iam_clients += 1
        client = boto3.client(
            "iam",
            region_name=REGION,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        stub = Stubber(client)
        root = self.roots[account]
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
        keys = [("Active", n) for n in range(root.active_keys)] + [
            ("Inactive", n) for n in range(root.inactive_keys)
        ]
        stub.add_response(
            "list_access_keys",
            {
                "AccessKeyMetadata": [
                    {"AccessKeyId": f"AKIA{account}{i:04d}", "Status": status, "CreateDate": CREATED}
                    for i, (status, _) in enumerate(keys)
                ]
            },
            {},
        )
        stub.add_response(
            "list_mfa_devices",
            {
                "MFADevices": [
                    {
                        "UserName": "root",
                        "SerialNumber": f"arn:aws:iam::{account}:mfa/root-{n}",
                        "EnableDate": CREATED,
                    }
                    for n in range(root.mfa_devices)
                ]
            },
            {},
        )
        stub.add_response(
            "list_signing_certificates",
            {
                "Certificates": [
                    {
                        "UserName": "root",
                        "CertificateId": f"CERT{account}{n:024d}",
                        "CertificateBody": "-----BEGIN CERTIFICATE-----",
                        "Status": "Active",
                    }
                    for n in range(root.certificates)
                ]
            },
            {},
        )
        stub.activate()
        self.stubs.append(stub)
        return client

    def _errors(self, stub: Stubber, account: str, operation: str) -> None:
        for code in self.errors.get((account, operation), []):
            stub.add_client_error(operation, service_error_code=code, http_status_code=400)

    def assert_all_used(self) -> None:
        for stub in self.stubs:
            stub.assert_no_pending_responses()


def _session(account: str) -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": f"ASIA{account}",
            "SecretAccessKey": "secret",
            "SessionToken": "token",
            "Expiration": datetime(2026, 12, 4, 3, 15, tzinfo=UTC),
        },
        "SourceIdentity": "root-activity-monitor",
    }
