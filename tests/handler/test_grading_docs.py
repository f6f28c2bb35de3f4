"""The grading table in docs/notifications.md is the rule table the notifier applies."""

from __future__ import annotations

import re
from pathlib import Path

from handler.severity import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"


def test_documented_grading_table_lists_every_rule_in_order_with_its_severity() -> None:
    """GIVEN docs/notifications.md THEN its table rows name each rule, in order, with the severity it has."""
    rows = re.findall(r"^\| `([a-z-]+)` \| ([A-Z]+) \|", DOC.read_text(), flags=re.MULTILINE)
    assert rows == [(rule.kind, rule.severity.name) for rule in RULES]
