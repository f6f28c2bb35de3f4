"""The organization's accounts from AWS Organizations: who is in the targeted OUs, and what each is called.

Read-only calls (`ListOrganizationalUnitsForParent`, `ListAccountsForParent`, `DescribeAccount`), made in
the management account or the Organizations delegated administrator: directly when the hub is that account,
else through the role named by ``ORGANIZATIONS_ROLE_ARN``. Every client has short timeouts and one attempt:
a slow or throttled Organizations must never hold a notification back, so callers fall back and retry later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

ROLE_SESSION_NAME = "root-activity-monitor"
# Organizations answers in tens of milliseconds; one attempt, bounded, and the caller falls back.
LOOKUP_CLIENT_CONFIG = Config(
    connect_timeout=1, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 1}
)
# The watchdog lists a whole organization once per run and may wait a little longer for it.
LISTING_CLIENT_CONFIG = Config(
    connect_timeout=2, read_timeout=5, retries={"mode": "standard", "total_max_attempts": 3}
)
# Assumed-role credentials last an hour; renew them well before.
CREDENTIALS_REUSE_SECONDS = 45 * 60
ACTIVE = "ACTIVE"
# Organizations' endpoint is global, served from us-east-1.
ORGANIZATIONS_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class Account:
    """One member account as Organizations describes it."""

    id: str
    name: str
    active: bool
    """False when suspended, closed or pending closure: such an account sends nothing."""
    joined: int | None
    """Seconds since the epoch when it joined the organization."""


class OrganizationsUnavailableError(RuntimeError):
    """The lookup did not finish in its time budget."""


_sessions: dict[str | None, tuple[float, Any, dict[Config, Any]]] = {}
"""Role ARN (None: the function's own) → when its session was made, the session, its clients by config."""
_lock = threading.Lock()


def organizations_client(role_arn: str | None, config: Config = LOOKUP_CLIENT_CONFIG) -> Any:
    """An Organizations client: through `role_arn` when given (credentials reused for most of their hour),
    else with the function's own credentials. Made once per session and config: making a client costs
    about as much CPU as the lookup itself, once per account name a container looks up."""
    with _lock:
        made, session, clients = _sessions.get(role_arn, (0.0, None, {}))
        if session is None or time.monotonic() - made > CREDENTIALS_REUSE_SECONDS:
            session, clients = _session(role_arn), {}
            _sessions[role_arn] = (time.monotonic(), session, clients)
        if config not in clients:
            clients[config] = session.client("organizations", region_name=ORGANIZATIONS_REGION, config=config)
        return clients[config]


def _session(role_arn: str | None) -> Any:
    if not role_arn:
        return boto3.session.Session()
    sts = boto3.client("sts", config=LOOKUP_CLIENT_CONFIG)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def forget_credentials() -> None:
    """Drop the cached sessions (a denied call may mean the role changed)."""
    with _lock:
        _sessions.clear()


def describe_account(client: Any, account_id: str) -> Account:
    """One account by ID; raises botocore's errors (throttling, access denied, not found)."""
    return _account(client.describe_account(AccountId=account_id)["Account"])


def accounts_under(client: Any, parent_ids: Iterable[str], *, deadline: float | None = None) -> list[Account]:
    """Every account under the parents (OUs or the root), in nested OUs too, each once.

    `deadline` (a `time.monotonic()` value): past it, raises OrganizationsUnavailableError rather than
    return a partial list, which would make present accounts look gone.
    """
    found: dict[str, Account] = {}
    pending = list(dict.fromkeys(parent_ids))
    seen = set(pending)
    while pending:
        parent = pending.pop()
        for page in _pages(client, "list_accounts_for_parent", deadline, ParentId=parent):
            for raw in page.get("Accounts", []):
                account = _account(raw)
                found[account.id] = account
        for page in _pages(client, "list_organizational_units_for_parent", deadline, ParentId=parent):
            for unit in page.get("OrganizationalUnits", []):
                if unit["Id"] not in seen:
                    seen.add(unit["Id"])
                    pending.append(unit["Id"])
    return sorted(found.values(), key=lambda account: account.id)


def active_members(client: Any) -> list[Account]:
    """Every active account of the organization but the management account (which AssumeRoot cannot target,
    and whose root the organization cannot take away), ordered by ID."""
    management = client.describe_organization()["Organization"]["MasterAccountId"]
    pages = _pages(client, "list_accounts", None)
    accounts = (_account(raw) for page in pages for raw in page.get("Accounts", []))
    return sorted(
        (account for account in accounts if account.active and account.id != management),
        key=lambda account: account.id,
    )


def _pages(client: Any, operation: str, deadline: float | None, **arguments: Any) -> Iterable[dict[str, Any]]:
    call: Callable[..., dict[str, Any]] = getattr(client, operation)
    while True:
        if deadline is not None and time.monotonic() > deadline:
            message = f"listing the organization's accounts did not finish in time ({operation})"
            raise OrganizationsUnavailableError(message)
        page = call(**arguments)
        yield page
        token = page.get("NextToken")
        if not token:
            return
        arguments["NextToken"] = token


def _account(raw: dict[str, Any]) -> Account:
    # `State` replaces `Status` (deprecated in 2025); either says whether the account is active.
    state = raw.get("State") or raw.get("Status") or ""
    joined = raw.get("JoinedTimestamp")
    return Account(
        id=str(raw["Id"]),
        name=str(raw.get("Name") or raw["Id"]),
        active=state == ACTIVE,
        joined=int(joined.timestamp()) if joined is not None else None,
    )
