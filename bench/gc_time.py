"""A pytest plugin for bench/suite_time.py: prints how many full (generation 2) garbage collections ran in
the session and how long they took. Load it with `-p gc_time` and `bench/` on PYTHONPATH."""

from __future__ import annotations

import gc
import time

import pytest

_totals = {"collections": 0, "seconds": 0.0}
_started = [0.0]


def _watch(phase: str, info: dict[str, int]) -> None:
    if info["generation"] != 2:
        return
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        _totals["collections"] += 1
        _totals["seconds"] += time.perf_counter() - _started[0]


gc.callbacks.append(_watch)


def pytest_unconfigure(config: pytest.Config) -> None:
    print(f"\nfull collections: {_totals['collections']}, {_totals['seconds']:.2f} s")
