"""AWS regions: which names the project accepts, and the one region every deployment must cover."""

from __future__ import annotations

import difflib
import re
from functools import cache

from .validation import ConfigError, require_distinct, require_string_list

GLOBAL_EVENTS_REGION = "us-east-1"
"""Root console sign-ins and IAM, Organizations and Account calls reach EventBridge only in this region."""

MISSING_GLOBAL_REGION_WARNING = (
    "{name}: regions {regions} leave out us-east-1, where root console sign-ins and IAM, Organizations "
    "and Account calls are recorded; add us-east-1 to see them"
)

# Commercial-partition region names (us-east-1, ap-southeast-4, eu-central-2, ...). GovCloud and China
# are matched separately so they can be refused with a reason rather than "malformed".
_REGION = re.compile(r"^[a-z]{2}-[a-z]+-\d{1,2}$")
_ISOLATED_REGION = re.compile(r"^(?:[a-z]{2}-gov-[a-z]+-\d{1,2}|cn-[a-z]+-\d{1,2})$")


def require_region(value: object, where: str) -> str:
    """A commercial-partition AWS region name that the installed provider knows."""
    if isinstance(value, str) and _ISOLATED_REGION.match(value):
        message = (
            f"{where}: {value!r} is a GovCloud or China region; EventBridge cannot forward events across "
            "regions there, so this project supports the commercial partition only"
        )
        raise ConfigError(message)
    if not isinstance(value, str) or not _REGION.match(value):
        message = f"{where} must be an AWS region name such as 'us-east-1' or 'eu-west-1', got {value!r}"
        raise ConfigError(message)
    known = known_regions()
    if value not in known:
        close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        message = (
            f"{where}: {value!r} is not a region the installed pulumi-aws knows; {hint}"
            f"use one of {', '.join(known)} (or upgrade pulumi-aws if the region is new)"
        )
        raise ConfigError(message)
    return value


@cache
def known_regions() -> tuple[str, ...]:
    """The commercial-partition regions of the installed provider's `Region` enum, sorted."""
    import pulumi_aws  # noqa: PLC0415  # only when a region is checked: a heavy import

    regions = (r.value for r in pulumi_aws.Region)
    return tuple(sorted(r for r in regions if _REGION.match(r) and not _ISOLATED_REGION.match(r)))


def require_regions(values: object, where: str) -> tuple[str, ...]:
    """A non-empty list of distinct region names."""
    items = require_string_list(values, where)
    if not items:
        message = (
            f"{where} must list at least one region (include us-east-1: root sign-ins are recorded there)"
        )
        raise ConfigError(message)
    regions = tuple(require_region(item, f"{where}[{index}]") for index, item in enumerate(items))
    require_distinct(regions, where)
    return regions
