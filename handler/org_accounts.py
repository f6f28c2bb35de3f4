"""The organization's active member accounts, from organizations:ListAccounts.

Suspended and closed accounts have no root user to audit, and AssumeRoot refuses them: only ACTIVE ones
count. Works with any Organizations client (the management account's own credentials, or a role's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACTIVE = "ACTIVE"


@dataclass(frozen=True, slots=True)
class MemberAccount:
    account_id: str
    name: str


def active_members(organizations: Any) -> list[MemberAccount]:
    """Every ACTIVE member account, ordered by ID; not the management account, which AssumeRoot cannot
    target (and whose root the organization cannot take away)."""
    management = organizations.describe_organization()["Organization"]["MasterAccountId"]
    return [account for account in active_accounts(organizations) if account.account_id != management]


def active_accounts(organizations: Any) -> list[MemberAccount]:
    """Every ACTIVE account of the organization, management account included, ordered by ID."""
    accounts = []
    for page in organizations.get_paginator("list_accounts").paginate():
        for account in page.get("Accounts", []):
            # `State` replaces the deprecated `Status`; either may be the only one present.
            state = account.get("State") or account.get("Status")
            if state == ACTIVE:
                accounts.append(MemberAccount(account["Id"], account.get("Name") or account["Id"]))
    return sorted(accounts, key=lambda account: account.account_id)
