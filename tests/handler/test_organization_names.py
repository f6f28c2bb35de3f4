"""Notifications name accounts from AWS Organizations, and a slow or failing lookup never holds one back."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from heartbeat_fixtures import TABLE, create_table
from load import load_event, sqs_batch

from handler import accounts, app, organizations
from handler.accounts import NAME_TTL_SECONDS, RETRY_AFTER_SECONDS, OrganizationNames

if TYPE_CHECKING:
    from conftest import SnsToSqs

FIXTURE_ACCOUNT = "222222222222"


class Org:
    """A moto organization whose management account is moto's default one."""

    def __init__(self) -> None:
        self.client = boto3.client("organizations", region_name="us-east-1")
        self.client.create_organization(FeatureSet="ALL")

    def member(self, name: str) -> str:
        status = self.client.create_account(AccountName=name, Email=f"{name.lower()}@example.com")
        return str(status["CreateAccountStatus"]["AccountId"])


@pytest.fixture
def org(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    OrganizationNames.forget()
    organizations.forget_credentials()
    accounts.lookup_dynamodb_client.cache_clear()
    create_table()
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    monkeypatch.setenv("ORGANIZATIONS_LOOKUP", "on")
    yield Org()
    OrganizationNames.forget()
    organizations.forget_credentials()
    accounts.lookup_dynamodb_client.cache_clear()


def root_sign_in(account: str) -> dict[str, Any]:
    """The published root sign-in fixture, as if it happened in `account`."""
    event = load_event("root_console_signin_no_mfa")
    return dict(json.loads(json.dumps(event).replace(FIXTURE_ACCOUNT, account)))


def cached_name(account: str) -> dict[str, Any] | None:
    found = boto3.client("dynamodb", region_name="us-east-1").get_item(
        TableName=TABLE, Key=accounts.name_key(account)
    )
    return found.get("Item")


def test_a_notification_names_the_account_from_organizations(org: Org, sns_to_sqs: SnsToSqs) -> None:
    """GIVEN a member named 'Payments' in Organizations and no static name WHEN its root user signs in THEN
    the notification names it 'Payments (id)' and the name is cached in the hub's table."""
    account = org.member("Payments")
    assert app.lambda_handler(sqs_batch(root_sign_in(account)), None) == {"batchItemFailures": []}
    (received,) = sns_to_sqs.received()
    assert received["Subject"].endswith(f"- Payments ({account})")
    assert received["Message"]["account"] == {"id": account, "name": "Payments"}
    stored = cached_name(account)
    assert stored is not None and stored["accountName"] == {"S": "Payments"}


def test_the_static_name_wins_over_organizations(
    org: Org, sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN ACCOUNT_NAMES names the member 'prod' and Organizations says 'Payments' THEN 'prod' is shown."""
    account = org.member("Payments")
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({account: "prod"}))
    app.lambda_handler(sqs_batch(root_sign_in(account)), None)
    (received,) = sns_to_sqs.received()
    assert received["Message"]["account"]["name"] == "prod"


def test_names_come_through_the_configured_role(
    org: Org, sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN ORGANIZATIONS_ROLE_ARN names a role THEN the lookup assumes it and the name is shown."""
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="organizations-reader", AssumeRolePolicyDocument=json.dumps({}))
    monkeypatch.setenv("ORGANIZATIONS_ROLE_ARN", role["Role"]["Arn"])
    account = org.member("Payments")
    app.lambda_handler(sqs_batch(root_sign_in(account)), None)
    (received,) = sns_to_sqs.received()
    assert received["Message"]["account"]["name"] == "Payments"
    assert list(organizations._sessions) == [role["Role"]["Arn"]]


def test_a_failed_lookup_shows_the_id_warns_and_does_not_fail_the_batch(
    org: Org, sns_to_sqs: SnsToSqs, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN an account Organizations does not know THEN the notification goes out under the ID, the batch
    succeeds, and a warning says why."""
    unknown = "999999999999"
    with caplog.at_level(logging.WARNING):
        assert app.lambda_handler(sqs_batch(root_sign_in(unknown)), None) == {"batchItemFailures": []}
    (received,) = sns_to_sqs.received()
    assert received["Message"]["account"] == {"id": unknown, "name": unknown}
    (warning,) = [r for r in caplog.records if "lookup failed" in r.getMessage()]
    assert warning.__dict__["exceptionType"] == "AccountNotFoundException"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_failed_lookup_is_retried_after_a_while_not_on_every_notification(org: Org) -> None:
    """GIVEN a lookup that fails (throttled) THEN the ID is shown without asking again until
    RETRY_AFTER_SECONDS passed, and then the name is looked up again."""
    account = org.member("Payments")
    calls: list[str] = []
    failing = True

    def describe(account_id: str) -> str:
        calls.append(account_id)
        if failing:
            raise RuntimeError("TooManyRequestsException")
        return "Payments"

    clock = Clock()
    names = OrganizationNames({}, describe=describe, table=None, clock=clock)
    assert [names(account), names(account)] == [account, account]
    assert len(calls) == 1
    failing = False
    clock.now += RETRY_AFTER_SECONDS
    assert names(account) == "Payments"
    assert len(calls) == 2


def test_a_cached_name_is_used_until_it_expires(org: Org) -> None:
    """GIVEN a name cached in the table by another container THEN it is shown without asking Organizations,
    until its TTL passed."""
    account = org.member("Payments")
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    clock = Clock()
    first = OrganizationNames({}, describe=lambda _a: "Payments", table=TABLE, dynamodb=dynamodb, clock=clock)
    assert first(account) == "Payments"
    OrganizationNames.forget()  # another, cold container

    def describe(_account: str) -> str:
        raise AssertionError("Organizations asked although the table holds the name")

    assert OrganizationNames({}, describe=describe, table=TABLE, dynamodb=dynamodb, clock=clock)(account) == (
        "Payments"
    )
    OrganizationNames.forget()
    clock.now += NAME_TTL_SECONDS
    renamed = OrganizationNames(
        {}, describe=lambda _a: "Payments EU", table=TABLE, dynamodb=dynamodb, clock=clock
    )
    assert renamed(account) == "Payments EU"


def test_lookups_stop_once_the_invocation_budget_is_spent(org: Org) -> None:
    """GIVEN an invocation whose lookup budget is spent THEN accounts are shown by their ID, unasked."""
    calls: list[str] = []

    def describe(account_id: str) -> str:
        calls.append(account_id)
        return "Named"

    names = OrganizationNames({}, describe=describe, table=None, budget_seconds=0.0)
    assert names("111111111111") == "111111111111"
    assert calls == []


def test_without_the_lookup_setting_only_static_names_are_used(
    org: Org, sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN ORGANIZATIONS_LOOKUP unset and a member named in Organizations THEN its ID is shown."""
    monkeypatch.delenv("ORGANIZATIONS_LOOKUP")
    account = org.member("Payments")
    app.lambda_handler(sqs_batch(root_sign_in(account)), None)
    (received,) = sns_to_sqs.received()
    assert received["Message"]["account"]["name"] == account
    assert cached_name(account) is None
