"""Make untrusted CloudTrail text safe to show: no control characters, no markdown, ASCII where required.

User agents, error messages and raw bodies come from whoever called AWS; they must not forge lines in an
email, mention a whole Slack channel, or break the SNS subject rules.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls, DEL, line/paragraph separators and bidirectional overrides (which can reorder shown text).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]+")
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_~`\[\]<>|&#]")


def one_line(text: str) -> str:
    """Text on one line with every unsafe character shown as an escape, e.g. a newline as ``\\x0a``."""
    if text.isascii() and text.isprintable():  # nearly every field: nothing _UNSAFE could match
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_ascii(text: str) -> str:
    """Text reduced to printable ASCII on one line: accents dropped, anything else becomes a space."""
    # ASCII is its own NFKD form; skipping the Unicode tables saves most of the cost for the usual text.
    decomposed = text if text.isascii() else unicodedata.normalize("NFKD", text)
    return _SPACES.sub(" ", _NOT_PRINTABLE_ASCII.sub(" ", decomposed)).strip()


def md_code(text: str) -> str:
    """Untrusted text as an inline code span, which Slack and Teams show without interpreting markdown."""
    cleaned = one_line(text).replace("`", "'").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"`{cleaned}`" if cleaned else "`-`"


def md_plain(text: str) -> str:
    """Untrusted text for a markdown title, where a code span would look odd: markup characters dropped."""
    return _MARKUP.sub(" ", one_line(text))


def valid_unicode(text: str) -> str:
    """Text that encodes as UTF-8: lone surrogates (which JSON can carry) become "?"."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def quoted(text: str, limit: int = 40) -> str:
    """Text someone else chose, shown as such inside a sentence: one line, short, in double quotes it
    cannot close."""
    return '"' + shorten(one_line(text).replace('"', "'"), limit) + '"'


def shorten(text: str, limit: int, marker: str = "...") -> str:
    """Text cut to at most ``limit`` characters, ending in ``marker`` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker[:limit]
