"""boto3 clients for any simulated account, talking to moto.

moto keeps separate state per account; credentials from `sts:AssumeRole` into a role of account N make
every later request land in account N (moto's documented multi-account mechanism). Credentials are
always explicit, so nothing from the user's AWS profile is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3

from ..regions import GLOBAL_EVENTS_REGION

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

_PLACEHOLDER_KEY = "simulated"  # moto ignores the value; it only must not be a real key


class AwsAccounts:
    """Credentials and cached clients per simulated account; create inside an active moto mock."""

    def __init__(self) -> None:
        self._sts = boto3.client(
            "sts",
            region_name=GLOBAL_EVENTS_REGION,
            aws_access_key_id=_PLACEHOLDER_KEY,
            aws_secret_access_key=_PLACEHOLDER_KEY,
        )
        self._credentials: dict[str, dict[str, str]] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}

    def credentials(
        self, account_id: str, role_name: str = "root-activity-monitor-simulate"
    ) -> dict[str, str]:
        """Temporary credentials that moto maps to `account_id`."""
        key = f"{account_id}/{role_name}"
        if key not in self._credentials:
            answer = self._sts.assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="simulate"
            )["Credentials"]
            self._credentials[key] = {
                "aws_access_key_id": answer["AccessKeyId"],
                "aws_secret_access_key": answer["SecretAccessKey"],
                "aws_session_token": answer["SessionToken"],
            }
        return self._credentials[key]

    def _client(self, service: str, account_id: str, region: str) -> Any:
        key = (service, account_id, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,  # type: ignore[call-overload]
                region_name=region,
                **self.credentials(account_id),
            )
        return self._clients[key]

    def events(self, account_id: str, region: str) -> EventBridgeClient:
        """EventBridge in one account and region."""
        client: EventBridgeClient = self._client("events", account_id, region)
        return client

    def sqs(self, account_id: str, region: str) -> SQSClient:
        """SQS in one account and region."""
        client: SQSClient = self._client("sqs", account_id, region)
        return client

    def sns(self, account_id: str, region: str) -> SNSClient:
        """SNS in one account and region."""
        client: SNSClient = self._client("sns", account_id, region)
        return client

    def cloudformation(self, account_id: str, region: str) -> CloudFormationClient:
        """CloudFormation in one account and region."""
        client: CloudFormationClient = self._client("cloudformation", account_id, region)
        return client

    def organizations(self, account_id: str) -> OrganizationsClient:
        """Organizations (global) as one account."""
        client: OrganizationsClient = self._client("organizations", account_id, GLOBAL_EVENTS_REGION)
        return client

    def dynamodb(self, account_id: str, region: str) -> Any:
        """DynamoDB in one account and region."""
        return self._client("dynamodb", account_id, region)

    def s3(self, account_id: str, region: str) -> Any:
        """S3 in one account and region (a trail's bucket)."""
        return self._client("s3", account_id, region)

    def cloudtrail(self, account_id: str, region: str) -> Any:
        """CloudTrail in one account and region (the replay only stops trails that a break creates)."""
        return self._client("cloudtrail", account_id, region)

    def scheduler(self, account_id: str, region: str) -> Any:
        """EventBridge Scheduler in one account and region."""
        return self._client("scheduler", account_id, region)

    def iam(self, account_id: str) -> IAMClient:
        """IAM (global) in one account."""
        client: IAMClient = self._client("iam", account_id, GLOBAL_EVENTS_REGION)
        return client

    def role_trust_policy(self, account_id: str, role_name: str) -> str | Mapping[str, Any] | None:
        """A role's trust (assume-role) policy document, or None when the role does not exist."""
        iam = self.iam(account_id)
        try:
            return iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        except iam.exceptions.NoSuchEntityException:
            return None

    def inline_role_policies(self, account_id: str, role_name: str) -> list[Any] | None:
        """The inline policy documents of a role, or None when the role does not exist.

        The replay's permission checks read these (managed policy attachments are not replayed).
        """
        iam = self.iam(account_id)
        try:
            names = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        except iam.exceptions.NoSuchEntityException:
            return None
        return [iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"] for name in names]
