"""The offline validators in .ci/run pass our workflows and catch each planted mistake in a copy of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ci.workflows import CI, PREVIEW, check_jsonschema, plant, zizmor

CHECKOUT_PINNED = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
TRIGGER = "on:\n  pull_request:\n"
INSTALL_STEP = "      - name: Install the program's dependencies from uv.lock\n"
INJECTED_STEP = "      - run: echo ${{ github.event.pull_request.title }}\n"


def test_schema_accepts_both_workflows() -> None:
    """GIVEN preview.yml and ci.yml WHEN checked against GitHub's schema THEN no error is reported."""
    verdict = check_jsonschema(PREVIEW, CI)
    assert (verdict.exit_code, verdict.findings) == (0, []), verdict.output


@pytest.mark.parametrize(
    ("old", "new", "error_at"),
    [
        ("    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n", "$.jobs.preview"),
        (TRIGGER, "on:\n  pull-request:\n", "$.on"),
        ("          persist-credentials: false\n", "        persist-credentials: false\n", "$.jobs.preview"),
    ],
    ids=["job-key-typo", "unknown-event", "step-key-outside-with"],
)
def test_schema_rejects_a_planted_mistake(tmp_path: Path, old: str, new: str, error_at: str) -> None:
    """GIVEN preview.yml with one structural mistake WHEN schema-checked THEN it fails at that path."""
    verdict = check_jsonschema(plant(tmp_path, PREVIEW, old, new))
    assert verdict.exit_code != 0
    assert error_at in verdict.findings, verdict.output


def test_zizmor_finds_nothing_in_either_workflow() -> None:
    """GIVEN preview.yml and ci.yml WHEN audited by zizmor offline THEN it reports no finding."""
    verdict = zizmor(PREVIEW, CI)
    assert (verdict.exit_code, verdict.findings) == (0, []), verdict.output


@pytest.mark.parametrize(
    ("old", "new", "audit"),
    [
        (CHECKOUT_PINNED, "actions/checkout@v4", "unpinned-uses"),
        (INSTALL_STEP, INJECTED_STEP + INSTALL_STEP, "template-injection"),
        ("          persist-credentials: false\n", "          fetch-depth: 1\n", "artipacked"),
    ],
    ids=["unpinned-action", "template-injection", "persisted-git-credentials"],
)
def test_zizmor_flags_a_planted_mistake(tmp_path: Path, old: str, new: str, audit: str) -> None:
    """GIVEN preview.yml with one security mistake WHEN audited by zizmor THEN the matching audit fails it."""
    verdict = zizmor(plant(tmp_path, PREVIEW, old, new))
    assert verdict.exit_code != 0
    assert audit in verdict.findings, verdict.output


def test_zizmor_flags_a_checkout_of_the_pull_request_head_under_pull_request_target(tmp_path: Path) -> None:
    """GIVEN a pull_request_target job that checks out the PR head WHEN audited THEN zizmor fails it."""
    checkout = f"      - uses: {CHECKOUT_PINNED}\n        with:\n"
    head = checkout + "          ref: ${{ github.event.pull_request.head.sha }}\n"
    planted = plant(tmp_path, PREVIEW, checkout, head)
    planted.write_text(planted.read_text().replace(TRIGGER, "on:\n  pull_request_target:\n"))
    verdict = zizmor(planted)
    assert verdict.exit_code != 0
    assert "dangerous-triggers" in verdict.findings, verdict.output
