"""Just enough IAM policy evaluation for the replay to decide what AWS would allow.

moto stores resource policies (event bus, queue, topic) and IAM role policies but does not enforce them,
so the replay evaluates them itself wherever delivery depends on them: explicit Deny wins, then any Allow
whose principal, action, resource and conditions all match. Condition operators it does not know make the
statement not apply (and are reported) rather than granting access by accident.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KeyPolicyLookup = Callable[[str], str | None]
"""Finds a recorded KMS key's policy by the key's ARN, ID or alias; None when the stacks do not create it."""


@dataclass(frozen=True)
class Caller:
    """Who makes a request: an AWS service, or a principal (role or whole account) in an account."""

    account_id: str | None = None
    arn: str | None = None
    service: str | None = None
    context: Mapping[str, str] = field(default_factory=dict)
    """Global condition keys of the request, e.g. aws:SourceArn, aws:PrincipalOrgID."""


@dataclass
class Decision:
    """The outcome of evaluating one or more policies for a request."""

    allowed: bool
    unsupported: list[str] = field(default_factory=list)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]


def _wildcard(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    # IAM wildcards: * any run, ? one character; [ has no special meaning.
    escaped = pattern.replace("[", "[[]")
    if case_sensitive:
        return fnmatch.fnmatchcase(value, escaped)
    return fnmatch.fnmatchcase(value.lower(), escaped.lower())


def _principal_matches(principal: Any, caller: Caller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for kind, values in principal.items():
        for value in _as_list(values):
            if kind == "Service" and caller.service is not None and value == caller.service:
                return True
            if kind == "AWS" and caller.service is None:
                if value == "*":
                    return True
                # An account ID or its root ARN stands for every principal of that account.
                if caller.account_id is not None and value in (
                    caller.account_id,
                    f"arn:aws:iam::{caller.account_id}:root",
                ):
                    return True
                if caller.arn is not None and value == caller.arn:
                    return True
    return False


def _string_op(operator: str) -> tuple[bool, bool] | None:
    """(wildcards allowed, negated) for the string and ARN condition operators the replay knows."""
    return {
        "StringEquals": (False, False),
        "StringNotEquals": (False, True),
        "StringLike": (True, False),
        "StringNotLike": (True, True),
        "ArnEquals": (False, False),
        "ArnNotEquals": (False, True),
        "ArnLike": (True, False),
        "ArnNotLike": (True, True),
    }.get(operator)


def _conditions_match(conditions: Any, caller: Caller, unsupported: list[str]) -> bool:
    if not conditions:
        return True
    for raw_operator, tests in dict(conditions).items():
        operator = str(raw_operator)
        if_exists = operator.endswith("IfExists")
        base = operator.removesuffix("IfExists")
        shape = _string_op(base)
        if shape is None:
            unsupported.append(operator)
            return False
        wildcards, negated = shape
        for key, expected in dict(tests).items():
            actual = caller.context.get(str(key))
            if actual is None:
                if if_exists or negated:
                    continue
                return False
            hit = any(
                _wildcard(str(candidate), actual, case_sensitive=True)
                if wildcards
                else str(candidate) == actual
                for candidate in _as_list(expected)
            )
            if hit == negated:
                return False
    return True


def _statement_applies(
    statement: Mapping[str, Any],
    action: str,
    resource: str,
    caller: Caller,
    *,
    check_principal: bool,
    unsupported: list[str],
) -> bool:
    if check_principal and not _principal_matches(statement.get("Principal"), caller):
        return False
    if not any(_wildcard(str(a), action, case_sensitive=False) for a in _as_list(statement.get("Action"))):
        return False
    resources = _as_list(statement.get("Resource")) or ["*"]
    if not any(_wildcard(str(r), resource, case_sensitive=True) for r in resources):
        return False
    return _conditions_match(statement.get("Condition"), caller, unsupported)


def parse_policy(document: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """A policy document as a dict; an absent policy is one with no statements."""
    if document is None or document == "":
        return {"Statement": []}
    parsed = json.loads(document) if isinstance(document, str) else dict(document)
    return parsed if isinstance(parsed, dict) else {"Statement": []}


def evaluate(
    documents: Sequence[str | Mapping[str, Any] | None],
    *,
    action: str,
    resource: str,
    caller: Caller,
    resource_based: bool,
) -> Decision:
    """Whether `documents` together allow `caller` to do `action` on `resource`.

    Resource-based policies (bus, queue, key) name principals; identity-based ones (a role's) do not and
    apply to the role itself, so their statements are matched without a principal.
    """
    unsupported: list[str] = []
    allowed = False
    for document in documents:
        for statement in _as_list(parse_policy(document).get("Statement")):
            if not _statement_applies(
                statement, action, resource, caller, check_principal=resource_based, unsupported=unsupported
            ):
                continue
            if statement.get("Effect") == "Deny":
                return Decision(allowed=False, unsupported=unsupported)
            if statement.get("Effect") == "Allow":
                allowed = True
    return Decision(allowed=allowed, unsupported=unsupported)
