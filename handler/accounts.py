"""Account display names: the ACCOUNT_NAMES map, else AWS Organizations (cached), else the account ID.

``AccountNameResolver`` is what the handlers take: anything that maps an ID to a name.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import Any, ClassVar

import boto3

from . import jsonlog, organizations

AccountNameResolver = Callable[[str], str]


@lru_cache(maxsize=4)
def parse_account_names(raw: str | None) -> dict[str, str]:
    """The ``ACCOUNT_NAMES`` JSON object of ID -> name; anything malformed is logged and ignored."""
    if not raw:
        return {}
    try:
        names = json.loads(raw)
    except ValueError as exc:
        jsonlog.error("ACCOUNT_NAMES is not JSON; using account IDs", error=str(exc))
        return {}
    if not isinstance(names, dict):
        jsonlog.error("ACCOUNT_NAMES is not a JSON object of account ID to name; using account IDs")
        return {}
    valid = {str(k): v for k, v in names.items() if isinstance(v, str) and v.strip()}
    if len(valid) != len(names):
        jsonlog.error(
            "ACCOUNT_NAMES has entries whose name is not a non-empty string; ignoring them",
            ignored=sorted(set(map(str, names)) - set(valid)),
        )
    return valid


def static_resolver(names: dict[str, str]) -> AccountNameResolver:
    """Look the ID up in ``names``; unknown IDs are shown as themselves."""

    def resolve(account_id: str) -> str:
        return names.get(account_id, account_id)

    return resolve


# Names live in the heartbeat table beside the pairs, under a sort key no region can have.
NAME_ITEM_REGION = "#account-name"
NAME_TTL_SECONDS = 24 * 60 * 60
# After a failed lookup, the account is shown by its ID for this long before Organizations is asked again.
RETRY_AFTER_SECONDS = 5 * 60
# Lookups stop for the rest of an invocation once they took this long in total: names are a courtesy.
LOOKUP_BUDGET_SECONDS = 2.0


class OrganizationNames:
    """Names from AWS Organizations, for notifications: the static map wins, then this container's memory,
    then the table's cache (a day), then `DescribeAccount`. A failure or a spent budget shows the ID, logs
    a warning with the reason, and is retried after RETRY_AFTER_SECONDS; it never raises."""

    _memory: ClassVar[dict[str, tuple[float, str | None]]] = {}
    """Account ID → (valid until, name or None after a failure), shared by the container's invocations."""
    _memory_lock = threading.Lock()

    def __init__(
        self,
        static: dict[str, str],
        *,
        describe: Callable[[str], str],
        table: str | None,
        dynamodb: Any = None,
        budget_seconds: float = LOOKUP_BUDGET_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._static = static
        self._describe = describe
        self._table = table
        self._dynamodb = dynamodb
        self._budget = budget_seconds
        self._clock = clock
        self._spent = 0.0
        self._budget_spent_logged = False

    def __call__(self, account_id: str) -> str:
        if account_id in self._static:
            return self._static[account_id]
        now = self._clock()
        with self._memory_lock:
            until, name = self._memory.get(account_id, (0.0, None))
        if now < until:
            return name or account_id
        if self._spent >= self._budget:
            if not self._budget_spent_logged:  # once per invocation, however many accounts follow
                self._budget_spent_logged = True
                jsonlog.warning(
                    "account names not looked up: the lookup budget of this invocation is spent; showing IDs",
                    firstAccountId=account_id,
                    budgetSeconds=self._budget,
                )
            return account_id
        started = time.monotonic()
        try:
            name = self._cached(account_id, now) or self._looked_up(account_id, now)
        except Exception as exc:  # throttling, access denied, timeouts: the notification goes out anyway
            jsonlog.warning(
                "account name lookup failed; showing the ID and retrying later",
                accountId=account_id,
                exceptionType=type(exc).__name__,
                error=str(exc),
                retryAfterSeconds=RETRY_AFTER_SECONDS,
            )
            self._remember(account_id, None, now + RETRY_AFTER_SECONDS)
            return account_id
        finally:
            self._spent += time.monotonic() - started
        self._remember(account_id, name, now + NAME_TTL_SECONDS)
        return name

    def _cached(self, account_id: str, now: float) -> str | None:
        if not self._table or self._dynamodb is None:
            return None
        item = self._dynamodb.get_item(TableName=self._table, Key=name_key(account_id)).get("Item") or {}
        name = item.get("accountName", {}).get("S")
        expires = item.get("expiresAt", {}).get("N")
        # DynamoDB deletes expired items within days, not at once: check the time ourselves.
        if name and expires and int(expires) > now:
            return str(name)
        return None

    def _looked_up(self, account_id: str, now: float) -> str:
        name = self._describe(account_id)
        if self._table and self._dynamodb is not None:
            try:
                self._dynamodb.update_item(
                    TableName=self._table,
                    Key=name_key(account_id),
                    UpdateExpression="SET accountName = :name, expiresAt = :expires",
                    ExpressionAttributeValues={
                        ":name": {"S": name},
                        ":expires": {"N": str(int(now) + NAME_TTL_SECONDS)},
                    },
                )
            except Exception as exc:  # the name is still right; only the next cold container asks again
                jsonlog.warning("account name not cached", accountId=account_id, error=str(exc))
        return name

    def _remember(self, account_id: str, name: str | None, until: float) -> None:
        with self._memory_lock:
            self._memory[account_id] = (until, name)

    @classmethod
    def forget(cls) -> None:
        """Empty the container's memory (tests; a fresh container starts empty)."""
        with cls._memory_lock:
            cls._memory.clear()


def name_key(account_id: str) -> dict[str, Any]:
    """The table key of an account's cached name."""
    return {"accountId": {"S": account_id}, "region": {"S": NAME_ITEM_REGION}}


def environment_resolver(environ: Mapping[str, str], table: str | None) -> AccountNameResolver:
    """The resolver the function's environment asks for: ``ACCOUNT_NAMES``, and Organizations when
    ``ORGANIZATIONS_LOOKUP`` is ``on`` (through ``ORGANIZATIONS_ROLE_ARN`` when set), cached in `table`."""
    names = parse_account_names(environ.get("ACCOUNT_NAMES"))
    if environ.get("ORGANIZATIONS_LOOKUP", "").strip().lower() != "on":
        return static_resolver(names)
    role_arn = environ.get("ORGANIZATIONS_ROLE_ARN", "").strip() or None

    def describe(account_id: str) -> str:
        return organizations.describe_account(organizations.organizations_client(role_arn), account_id).name

    return OrganizationNames(names, describe=describe, table=table, dynamodb=lookup_dynamodb_client())


@cache
def lookup_dynamodb_client() -> Any:
    """A DynamoDB client for the name cache, bounded like the Organizations lookups."""
    return boto3.client("dynamodb", config=organizations.LOOKUP_CLIENT_CONFIG)
