"""Runbooks: every finding class a notification links to has a page, and the pages' links lead somewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_docs import dead_links

from handler import runbook
from handler.envelope import envelope
from handler.severity import RULES

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNBOOKS = REPO_ROOT / "docs" / "runbooks"
CATEGORIES = ("root-activity", "tamper", "monitoring-gap", "health", "posture")
FINDING_CLASSES = ("console-sign-in", "credential-change", "assume-root-task", "recovery-path", "forgery",
                   "tamper", "monitoring-gap", "health", "posture")  # fmt: skip
SESSION_KINDS = ("password-guessing", "assume-root-action", "assume-root-outside-task", "assume-root-expired")


@pytest.mark.parametrize("finding", sorted({*FINDING_CLASSES, *CATEGORIES, *runbook.PAGES}))
def test_every_finding_class_has_a_page_with_steps(finding: str) -> None:
    """GIVEN a finding class or notification category THEN its runbook page exists and has numbered steps."""
    page = RUNBOOKS / runbook.PAGES[finding]
    assert page.exists(), page
    assert "\n1. " in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted({rule.kind for rule in RULES} | set(SESSION_KINDS)))
def test_every_grading_kind_leads_to_a_page(kind: str) -> None:
    """GIVEN any kind the notifier grades with THEN its finding class has a page."""
    assert (RUNBOOKS / runbook.PAGES[runbook.KIND_CLASSES.get(kind, "root-activity")]).exists()


@pytest.mark.parametrize("page", sorted(RUNBOOKS.glob("*.md")), ids=lambda page: page.name)
def test_every_runbook_link_resolves(page: Path) -> None:
    """GIVEN a runbook page WHEN its relative links are followed THEN each reaches a file or heading."""
    assert dead_links(page) == []


def test_the_index_lists_every_page() -> None:
    """GIVEN the runbooks' index THEN it links to every page of the folder."""
    index = (RUNBOOKS / "README.md").read_text(encoding="utf-8")
    pages = {page.name for page in RUNBOOKS.glob("*.md")} - {"README.md"}
    assert sorted(name for name in pages if f"]({name})" not in index) == []


def test_links_use_the_configured_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN RUNBOOK_BASE_URL THEN links are that base plus the page; without it, the repository's folder."""
    monkeypatch.delenv(runbook.ENVIRONMENT_VARIABLE, raising=False)
    assert runbook.runbook_url("tamper") == "docs/runbooks/tamper.md"
    assert (REPO_ROOT / runbook.runbook_url("tamper")).exists()
    monkeypatch.setenv(runbook.ENVIRONMENT_VARIABLE, "https://wiki.example.com/root/")
    assert runbook.runbook_url("forgery") == "https://wiki.example.com/root/forgery.md"


@pytest.mark.parametrize("category", ["tamper", "monitoring-gap", "health", "posture"])
def test_every_category_s_document_links_its_page_by_default(
    category: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a document of any category built on the shared envelope without naming a runbook THEN its
    `runbook` is that category's page, which exists."""
    monkeypatch.delenv(runbook.ENVIRONMENT_VARIABLE, raising=False)
    document = envelope(
        category=category,
        severity="HIGH",
        title="t",
        account_id="222222222222",
        account_name="prod",
        event_count=0,
        events=[],
        truncated=False,
    )
    assert document["runbook"] == f"docs/runbooks/{category}.md"
    assert (REPO_ROOT / document["runbook"]).exists()
