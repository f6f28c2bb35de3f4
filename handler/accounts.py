"""Account display names: the ACCOUNT_NAMES map, else the account ID.

``AccountNameResolver`` is the seam for a later AWS Organizations lookup: anything that maps an ID to a name
can be passed to the handler instead of the static map.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from . import jsonlog

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
