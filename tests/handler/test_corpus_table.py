"""The CloudTrail corpus stays whole: every fixture has one expectation row and a source line, and the
published part keeps the size issue 8 asks for."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from corpus_expectations import NON_ROOT_ROWS, ROOT_ROWS
from load import EVENTS_DIR

from handler import root_paths

PUBLISHED_DIR = EVENTS_DIR / "published"
SOURCES = EVENTS_DIR / "SOURCES.md"


def fixture_files() -> list[Path]:
    return sorted(EVENTS_DIR.glob("*.json")) + sorted(PUBLISHED_DIR.glob("*.json"))


def table_stems() -> list[str]:
    return [row.fixture for row in ROOT_ROWS] + list(NON_ROOT_ROWS)


def test_every_fixture_has_exactly_one_expectation_row() -> None:
    """No fixture escapes the table and no row points at a missing or duplicated fixture."""
    # GIVEN the fixture files and the expectation table
    stems = [path.stem for path in fixture_files()]
    # WHEN they are compared
    rows = Counter(table_stems())
    # THEN each file has one row and each row one file
    assert len(stems) == len(set(stems)), "two fixtures share a name"
    assert sorted(rows) == sorted(stems)
    assert all(count == 1 for count in rows.values()), rows.most_common(3)


def test_every_fixture_names_its_source() -> None:
    """SOURCES.md has a line for each fixture file, so every record can be traced or is marked invented."""
    # GIVEN SOURCES.md WHEN each fixture's relative path is looked up THEN it is there
    text = SOURCES.read_text()
    unlisted = [p.relative_to(EVENTS_DIR).as_posix() for p in fixture_files()]
    assert [name for name in unlisted if f"`{name}`" not in text] == []


def test_root_rows_are_root_records_and_non_root_rows_are_not() -> None:
    """A row's kind agrees with the record: Root identity, an AssumeRoot call, a call that re-opens or
    changes root, or a session root issued, versus anything else."""

    def is_root(stem: str) -> bool:
        path = PUBLISHED_DIR / f"{stem}.json"
        detail = json.loads((path if path.exists() else EVENTS_DIR / f"{stem}.json").read_text())["detail"]
        identity = detail["userIdentity"]
        issuer = identity.get("sessionContext", {}).get("sessionIssuer", {}).get("type")
        root_path = (detail.get("eventSource"), detail.get("eventName")) in root_paths.CALLS
        return (
            identity.get("type") == "Root"
            or detail.get("eventName") == "AssumeRoot"
            or root_path
            or issuer == "Root"
        )

    # GIVEN the table WHEN each record's identity is read THEN root rows hold root records only
    assert [row.fixture for row in ROOT_ROWS if not is_root(row.fixture)] == []
    assert [stem for stem in NON_ROOT_ROWS if is_root(stem)] == []


def test_published_corpus_has_forty_root_and_thirty_non_root_records() -> None:
    """Issue 8 item 6: at least 40 published root records and 30 published non-root ones."""
    # GIVEN the published fixtures WHEN counted by kind THEN both minimums hold
    published = {path.stem for path in PUBLISHED_DIR.glob("*.json")}
    assert len(published & {row.fixture for row in ROOT_ROWS}) >= 40
    assert len(published & set(NON_ROOT_ROWS)) >= 30
