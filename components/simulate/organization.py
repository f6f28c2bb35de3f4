"""The simulated organization of `simulate --org`: OUs, member accounts, the hub, an account joining late.

moto's Organizations gives every OU and account an ID of its own choosing. OUs: the config's
`organizationalUnitIds` cannot be created with those IDs, so each becomes an OU (named after the config's
ID) under moto's root, and `ou_ids` maps the config's IDs to moto's; a root ID (`r-…`) maps to moto's root.
Accounts: moto draws account IDs at random, and has no invitations (InviteAccountToOrganization), so an
existing account such as the hub's cannot join; the replay hands moto the ID each created account gets
(`_account_ids`), which makes member IDs reproducible and lets the hub's account be a member.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from unittest import mock

from .accounts import AwsAccounts

if TYPE_CHECKING:
    from mypy_boto3_organizations import OrganizationsClient

MANAGEMENT_ACCOUNT = "999999999999"
"""The management account the org stack runs in (the example ID of Pulumi.org.yaml)."""
MAX_MEMBERS = 1000
_FIRST_MEMBER = 500_000_000_001


def member_account(index: int) -> str:
    """The ID of the index-th simulated member account (0-based): 500000000001, 500000000002, …"""
    return f"{_FIRST_MEMBER + index:012d}"


@dataclass
class SimulatedOrganization:
    """What the replay created in moto's Organizations, and how the config's IDs map to moto's."""

    management_account: str
    root_id: str
    ou_ids: dict[str, str]
    """Config OU or root ID → the ID moto gave it."""
    members: list[str] = field(default_factory=list)
    """Member accounts in the OUs, in creation order (the late joiner last once it joined)."""
    late_joiner: str | None = None

    def moto_ou_ids(self, configured: Sequence[str]) -> list[str]:
        """The config's OU IDs rewritten to moto's."""
        return [self.ou_ids[ou] for ou in configured]


@contextlib.contextmanager
def _account_ids(account_id: str) -> Iterator[None]:
    from moto.organizations import utils  # noqa: PLC0415 - moto is the optional `simulate` extra

    with mock.patch.object(utils, "make_random_account_id", return_value=account_id):
        yield


def _create_account(
    client: OrganizationsClient, account_id: str, name: str, parent: str, root_id: str
) -> None:
    with _account_ids(account_id):
        client.create_account(Email=f"{name}@example.com", AccountName=name)
    if parent != root_id:
        client.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent)


def create_organization(
    aws: AwsAccounts,
    *,
    management_account: str,
    organizational_unit_ids: Sequence[str],
    members: int,
    hub_account: str,
    hub_in_ou: bool = False,
) -> SimulatedOrganization:
    """An organization with the config's OUs and `members` accounts spread over them, the hub a member too.

    The hub sits in the root, or in the first OU when `hub_in_ou` (then the StackSet reaches it, and the
    template's condition must keep it empty).
    """
    client = aws.organizations(management_account)
    client.create_organization(FeatureSet="ALL")
    root_id = client.list_roots()["Roots"][0]["Id"]
    ou_ids: dict[str, str] = {}
    for configured in organizational_unit_ids:
        if configured.startswith("r-"):
            ou_ids[configured] = root_id
        else:
            created = client.create_organizational_unit(ParentId=root_id, Name=configured)
            ou_ids[configured] = created["OrganizationalUnit"]["Id"]
    organization = SimulatedOrganization(management_account, root_id, ou_ids)
    targets = organization.moto_ou_ids(organizational_unit_ids)
    if hub_account != management_account:
        hub_parent = targets[0] if hub_in_ou else root_id
        _create_account(client, hub_account, "hub", hub_parent, root_id)
    for index in range(members):
        account = member_account(index)
        _create_account(client, account, f"member-{index + 1}", targets[index % len(targets)], root_id)
        organization.members.append(account)
    return organization


def join_late(aws: AwsAccounts, organization: SimulatedOrganization, organizational_unit_id: str) -> str:
    """A new account created in one of the config's OUs after the rollout; returns its ID."""
    client = aws.organizations(organization.management_account)
    account = member_account(len(organization.members))
    target = organization.ou_ids[organizational_unit_id]
    _create_account(client, account, "late-joiner", target, organization.root_id)
    organization.members.append(account)
    organization.late_joiner = account
    return account
