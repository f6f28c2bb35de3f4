"""Just enough IAM policy evaluation for the replay to decide what AWS would allow.

moto stores resource policies (event bus, queue, topic) and IAM role policies but does not enforce them,
so the replay evaluates them itself wherever delivery depends on them: explicit Deny wins, then any Allow
whose principal, action, resource and conditions all match. Condition operators it does not know are
reported and never grant access by accident: an Allow that uses one does not apply, a Deny does.
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


def _arn_matches(pattern: str, value: str) -> bool:
    # ArnEquals and ArnLike behave identically: each of the six colon-separated parts is matched on its
    # own (a wildcard never spans a colon before the resource), case-sensitively.
    patterns, values = pattern.split(":", 5), value.split(":", 5)
    return len(patterns) == len(values) == 6 and all(
        _wildcard(p, v, case_sensitive=True) for p, v in zip(patterns, values, strict=True)
    )


def _string_equals(pattern: str, value: str) -> bool:
    return pattern == value


def _string_like(pattern: str, value: str) -> bool:
    return _wildcard(pattern, value, case_sensitive=True)


def _value_test(operator: str) -> tuple[Callable[[str, str], bool], bool] | None:
    """(how a policy value matches the request's, negated) for the operators the replay knows."""
    return {
        "StringEquals": (_string_equals, False),
        "StringNotEquals": (_string_equals, True),
        "StringLike": (_string_like, False),
        "StringNotLike": (_string_like, True),
        "ArnEquals": (_arn_matches, False),
        "ArnNotEquals": (_arn_matches, True),
        "ArnLike": (_arn_matches, False),
        "ArnNotLike": (_arn_matches, True),
    }.get(operator)


def _operator_holds(
    tests: Any,
    context: Mapping[str, str],
    matches: Callable[[str, str], bool],
    *,
    negated: bool,
    if_exists: bool,
) -> bool:
    for key, expected in dict(tests).items():
        actual = context.get(str(key).lower())
        if actual is None:
            # An absent key fails a condition, except a negated one or one marked ...IfExists.
            if if_exists or negated:
                continue
            return False
        if any(matches(str(candidate), actual) for candidate in _as_list(expected)) == negated:
            return False
    return True


def _conditions_match(conditions: Any, caller: Caller, unsupported: list[str]) -> bool | None:
    """True when every condition holds, False when one fails, None when only unknown operators remain."""
    context = {key.lower(): value for key, value in caller.context.items()}  # key names ignore case
    holds, unknown = True, False
    for raw_operator, tests in dict(conditions or {}).items():
        operator = str(raw_operator)
        value_test = _value_test(operator.removesuffix("IfExists"))
        if value_test is None:
            unsupported.append(operator)
            unknown = True
            continue
        matches, negated = value_test
        if_exists = operator.endswith("IfExists")
        holds = holds and _operator_holds(tests, context, matches, negated=negated, if_exists=if_exists)
    return None if holds and unknown else holds


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
    # `NotAction` (a service control policy's "every action but these") applies to what it does not list.
    listed = _as_list(statement.get("Action", statement.get("NotAction")))
    if any(_wildcard(str(a), action, case_sensitive=False) for a in listed) == ("NotAction" in statement):
        return False
    resources = _as_list(statement.get("Resource")) or ["*"]
    if not any(_wildcard(str(r), resource, case_sensitive=True) for r in resources):
        return False
    conditions = _conditions_match(statement.get("Condition"), caller, unsupported)
    # A condition the replay cannot evaluate might hold: a Deny is then taken to apply, an Allow not,
    # so what the replay cannot judge is never granted.
    return conditions is True or (conditions is None and statement.get("Effect") == "Deny")


def parse_policy(document: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """A policy document as a dict; an absent policy is one with no statements."""
    if document is None or document == "":
        return {"Statement": []}
    parsed = json.loads(document) if isinstance(document, str) else dict(document)
    return parsed if isinstance(parsed, dict) else {"Statement": []}


def service_may_assume(
    trust: str | Mapping[str, Any], *, role_arn: str, service: str, source_account: str, source_arn: str
) -> bool:
    """Whether `service`, acting for `source_arn` in `source_account`, may assume the role whose trust
    policy is `trust` (sts:AssumeRole, with the aws:SourceAccount and aws:SourceArn keys AWS sets)."""
    return evaluate(
        [trust],
        action="sts:AssumeRole",
        resource=role_arn,
        caller=Caller(
            service=service, context={"aws:SourceAccount": source_account, "aws:SourceArn": source_arn}
        ),
        resource_based=True,
    ).allowed


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
