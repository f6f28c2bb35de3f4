"""An organization and a posture table in moto; centralized root access stubbed (simulate's root_sessions)."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from root_activity_monitor.simulate.root_sessions import CLEAN, Root, StubbedRootAccess

from handler.posture_clients import Clients, regional_sts_endpoint

REGION = "us-east-1"
TABLE = "posture"
__all__ = ["CLEAN", "REGION", "TABLE", "Root", "StubbedAws", "create_organization", "create_table"]


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
class StubbedAws(StubbedRootAccess):
    """One run's clients: moto for Organizations and DynamoDB, the Stubber for centralized root access."""

    region: str = REGION

    def clients(self) -> Clients:
        return Clients(
            iam=self.features_client(),
            organizations=boto3.client("organizations", region_name=REGION),
            sts=self.sts_client(regional_sts_endpoint(REGION)),
            dynamodb=boto3.client("dynamodb", region_name=REGION),
            iam_for=self.iam_for,
        )
