"""Put the notifier's modules (top-level, as in the Lambda bundle) and the event fixtures on sys.path."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT / "handler", ROOT / "tests" / "events"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
