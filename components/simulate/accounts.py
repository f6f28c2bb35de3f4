"""boto3 clients for any simulated account, talking to moto.

moto keeps separate state per account. Each request names its account in moto's `x-moto-account-id` header,
so one client per service and region serves every account: creating a boto3 client costs tens of
milliseconds, which at a thousand accounts x 17 regions was minutes. Credentials for a role of account N
(`sts:AssumeRole`, moto's other multi-account mechanism) are still handed to the functions the replay runs.
Credentials are always explicit, so nothing from the user's AWS profile is read.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
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


_SPEAKING_AS: contextvars.ContextVar[str] = contextvars.ContextVar("simulated_account")
ACCOUNT_HEADER = "x-moto-account-id"


def _name_the_account(request: Any, **_kwargs: Any) -> None:
    account = _SPEAKING_AS.get(None)
    if account is not None:
        request.headers[ACCOUNT_HEADER] = account


class _AccountClient:
    """A shared client that speaks as one account: each call sends the account in moto's header."""

    def __init__(self, client: Any, account_id: str) -> None:
        self._client = client
        self._account_id = account_id

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute  # `exceptions`, `meta`
        if name == "get_paginator":
            # A paginator calls the shared client page by page, after this call has returned.
            return lambda operation: _AccountPaginator(attribute(operation), self._account_id)

        def call(*args: Any, **kwargs: Any) -> Any:
            token = _SPEAKING_AS.set(self._account_id)
            try:
                return attribute(*args, **kwargs)
            finally:
                _SPEAKING_AS.reset(token)

        return call


class _AccountPaginator:
    """A shared client's paginator that speaks as one account while it fetches each page."""

    def __init__(self, paginator: Any, account_id: str) -> None:
        self._paginator = paginator
        self._account_id = account_id

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        pages = iter(self._paginator.paginate(**kwargs))
        while True:
            token = _SPEAKING_AS.set(self._account_id)
            try:
                page = next(pages, None)
            finally:
                _SPEAKING_AS.reset(token)
            if page is None:
                return
            yield page


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
        self._shared: dict[tuple[str, str], Any] = {}

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
            if (service, region) not in self._shared:
                shared = boto3.client(
                    service,  # type: ignore[call-overload]
                    region_name=region,
                    aws_access_key_id=_PLACEHOLDER_KEY,
                    aws_secret_access_key=_PLACEHOLDER_KEY,
                )
                shared.meta.events.register("before-sign", _name_the_account)
                self._shared[(service, region)] = shared
            self._clients[key] = _AccountClient(self._shared[(service, region)], account_id)
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
