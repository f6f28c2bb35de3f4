"""Reading IAM and resource policy documents: statements, principals, conditions, actions and resources.

IAM lets most fields be a string or a list, and `Principal` be `"*"`, `{"AWS": "*"}` or a list holding
`"*"`; these helpers flatten those spellings so each policy asks one question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

Statement = Mapping[str, Any]


def statements(document: Any) -> list[Statement]:
    """The statements of a policy document (one statement or a list), or [] when it has none."""
    if not isinstance(document, Mapping):
        return []
    found = document.get("Statement")
    if isinstance(found, Mapping):
        return [found]
    if isinstance(found, Sequence) and not isinstance(found, str):
        return [statement for statement in found if isinstance(statement, Mapping)]
    return []


def strings(value: Any) -> list[str]:
    """A string-or-list field as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(item) for item in value]
    return [str(value)]


def allows(statement: Statement) -> bool:
    """Whether a statement grants (rather than denies)."""
    return statement.get("Effect") == "Allow"


def label(statement: Statement, index: int) -> str:
    """How a message names a statement: its Sid, else its position."""
    sid = statement.get("Sid")
    return f"statement {sid!r}" if sid else f"statement #{index + 1}"


def grants_anyone(statement: Statement) -> bool:
    """Whether an Allow statement's principal is every AWS principal (`*`, or NotPrincipal)."""
    if not allows(statement):
        return False
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return "*" in strings(principal.get("AWS"))
    return False


def condition_keys(statement: Statement) -> set[str]:
    """The condition keys a statement tests, lower-cased (IAM compares keys case-insensitively)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return set()
    keys: set[str] = set()
    for tests in condition.values():
        if isinstance(tests, Mapping):
            keys.update(str(key).lower() for key in tests)
    return keys


def allows_action(statement: Statement, action: str) -> bool:
    """Whether an Allow statement grants `action`, through a wildcard (`sns:*`, `*`) or a NotAction."""
    if not allows(statement):
        return False
    wanted = action.lower()
    if "NotAction" in statement:
        return not any(fnmatchcase(wanted, pattern.lower()) for pattern in strings(statement["NotAction"]))
    return any(fnmatchcase(wanted, pattern.lower()) for pattern in strings(statement.get("Action")))


def wildcard_resources(statement: Statement) -> list[str]:
    """The resources a statement grants by wildcard: any ARN with `*`, or everything but a NotResource."""
    if "NotResource" in statement:
        return [f"NotResource {strings(statement['NotResource'])}"]
    return [resource for resource in strings(statement.get("Resource")) if "*" in resource]
