"""The AWS clients of a posture audit run, with the hub's own credentials or the management account's role.

AssumeRoot goes to the STS endpoint of the function's region (the global endpoint refuses it). IAM is
global. One botocore session makes every per-account IAM client: the service model is loaded once.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from . import organizations
from .posture import IamFactory

ROLE_SESSION_NAME = "root-activity-monitor-posture"
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=16)
_lock = threading.Lock()


@dataclass(slots=True)
class Clients:
    """What a run talks to; tests pass clients stubbed with botocore's Stubber, or moto's."""

    iam: Any
    """For ListOrganizationsFeatures (the caller's account)."""
    organizations: Any
    """For the members' list: the Organizations reader role's, or the function's own."""
    sts: Any
    """A regional STS endpoint: the global one refuses AssumeRoot."""
    dynamodb: Any
    iam_for: IamFactory


def regional_sts_endpoint(region: str) -> str:
    return f"https://sts.{region}.amazonaws.com"


def aws_clients(audit_role_arn: str | None, organizations_role_arn: str | None = None) -> Clients:
    """Clients acting as the function, or as `audit_role_arn` when the hub is not where AssumeRoot works;
    the organization read as the notifier and watchdog read it (`organizations_role_arn`, else directly)."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    session = boto3.session.Session(region_name=region)
    if audit_role_arn is not None:
        sts = session.client("sts", endpoint_url=regional_sts_endpoint(region), config=CLIENT_CONFIG)
        assumed = sts.assume_role(RoleArn=audit_role_arn, RoleSessionName=ROLE_SESSION_NAME)
        credentials = assumed["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
        )
    root_sessions = boto3.session.Session(region_name=region)

    def iam_for(credentials: dict[str, Any]) -> Any:
        # Creating clients shares the session's loader; it is not thread-safe, using them is.
        with _lock:
            return root_sessions.client(
                "iam",
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                config=CLIENT_CONFIG,
            )

    return Clients(
        iam=session.client("iam", config=CLIENT_CONFIG),
        organizations=organizations.organizations_client(
            organizations_role_arn, organizations.LISTING_CLIENT_CONFIG
        ),
        sts=session.client("sts", endpoint_url=regional_sts_endpoint(region), config=CLIENT_CONFIG),
        dynamodb=boto3.client("dynamodb", region_name=region, config=CLIENT_CONFIG),
        iam_for=iam_for,
    )
