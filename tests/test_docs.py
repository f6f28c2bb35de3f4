"""The documentation holds together: every relative link leads somewhere, and every page is reachable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]

_FENCED_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_EXTERNAL = ("http://", "https://", "mailto:")


def links(page: Path) -> list[str]:
    """The targets of the markdown links of `page`, leaving out code, where brackets are not links."""
    text = _INLINE_CODE.sub("", _FENCED_BLOCK.sub("", page.read_text(encoding="utf-8")))
    return _LINK.findall(text)


def relative_links(page: Path) -> list[str]:
    """The links of `page` that point into this repository."""
    return [target for target in links(page) if not target.startswith(_EXTERNAL)]


def anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = _INLINE_CODE.sub(lambda code: code.group(0).strip("`"), heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The fragments the headings of `page` can be linked by."""
    text = _FENCED_BLOCK.sub("", page.read_text(encoding="utf-8"))
    return {anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def dead_links(page: Path) -> list[str]:
    """The relative links of `page` whose file or folder, or heading in a markdown file, does not exist."""
    return [target for target in relative_links(page) if not _leads_somewhere(page, target)]


def _leads_somewhere(page: Path, target: str) -> bool:
    path_part, _, fragment = target.partition("#")
    destination = (page.parent / path_part).resolve() if path_part else page
    if not destination.exists():
        return False
    return not fragment or destination.suffix != ".md" or fragment in anchors(destination)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO_ROOT)))
def test_every_relative_link_points_at_an_existing_file(page: Path) -> None:
    """GIVEN a documentation page WHEN its relative links are followed THEN each reaches a file or heading."""
    assert dead_links(page) == []


def test_every_docs_page_is_linked_from_the_readme() -> None:
    """GIVEN the pages under docs/ THEN the README, the front door, links to each of them."""
    linked = {
        (REPO_ROOT / target.partition("#")[0]).resolve() for target in relative_links(REPO_ROOT / "README.md")
    }
    unlinked = [page.name for page in PAGES[1:] if page.resolve() not in linked]
    assert PAGES[1:], "docs/ has no pages"
    assert unlinked == []


def test_a_link_to_a_missing_file_or_heading_is_found(tmp_path: Path) -> None:
    """GIVEN a page linking to a missing file and a missing heading THEN exactly those are reported dead."""
    (tmp_path / "other.md").write_text("# Real heading: `simulate`\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[gone](missing.md) [ok](other.md#real-heading-simulate) [bad](other.md#no-such) "
        "[web](https://example.com) [self](#nowhere)\n"
        "```text\n[in code](also-missing.md)\n```\n",
        encoding="utf-8",
    )
    assert dead_links(page) == ["missing.md", "other.md#no-such", "#nowhere"]
