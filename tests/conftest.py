"""Shared test helpers: the Hypothesis profiles, the repository root and a fixture that records a program
under Pulumi mocks."""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import botocore.loaders
import botocore.session
import pytest
from hypothesis import settings

from tests.recording import RecordStack

if TYPE_CHECKING:
    from root_activity_monitor.simulate import RecordedStack

REPO_ROOT = Path(__file__).resolve().parent.parent

# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE. "default" runs 600 examples per property: as many
# as the notifier's hostile-records property always ran, enough to keep the whole suite near a minute on
# 2 cores. "deep" runs ten times as many (HYPOTHESIS_PROFILE=deep uv run pytest tests/handler
# tests/infra/test_policies.py) for a nightly job or before a release. No deadline in either: on a loaded
# machine a wall-clock deadline fails for the machine's sake, and speed is measured by bench/, not here.
settings.register_profile("default", max_examples=600, deadline=None)
settings.register_profile("deep", max_examples=6_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# A full collection slower than this means the oldest generation holds a large long-lived heap.
SLOW_FULL_COLLECTION_S = 0.03


class _FullCollections:
    """Watches the collector's full (generation 2) collections: their count and time, and whether one was
    slow since the last freeze."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.slow = False
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
            return
        elapsed = time.perf_counter() - self._started
        self.count += 1
        self.seconds += elapsed
        self.slow = self.slow or elapsed > SLOW_FULL_COLLECTION_S


FULL_COLLECTIONS = _FullCollections()
gc.callbacks.append(FULL_COLLECTIONS)
# The replays allocate millions of short-lived objects (botocore and moto requests, Pulumi's RPC values): with
# the default 700-allocation threshold the young generations are collected thousands of times per test.
# Measured on the whole suite, 2 cores: 70.9 s at (700, 10, 10), 68.5 s here, 68.2 s at (200,000, 100, 1,000)
# with half again the memory.
gc.set_threshold(50_000, 50, 100)

# moto's mock_aws gives boto3 a new default session each time it starts, and each new botocore session gets
# a new data loader that parses the endpoint rules and every service model's JSON again. One loader per
# data path for the whole test process, as botocore already shares one between the clients of a session
# (what it loads is never changed): creating clients took 19.0 s of the suite's CPU, 6.4 s with it.
# `MonkeyPatch.setattr` fails loudly if a botocore release stops creating loaders through this name.
pytest.MonkeyPatch().setattr(
    botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader)
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--gc-report",
        action="store_true",
        help="print how many full garbage collections ran in this process and how long they took",
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.getoption("gc_report"):
        terminalreporter.write_line(
            f"full garbage collections: {FULL_COLLECTIONS.count}, {FULL_COLLECTIONS.seconds:.2f} s"
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything the test modules imported (Pulumi, pulumi_aws, moto, boto3) out of the collector's
    reach: a failed program run ends with a full `gc.collect()` (recording.py), which otherwise walks that
    whole heap again for every config-error test."""
    gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """After a test during which a full collection was slow, freeze what survives it.

    The first simulation imports most of moto and parses botocore's service models; cfn-lint loads its
    schemas: hundreds of thousands of objects that live to the end of the session. Left in the oldest
    generation, every full collection walks them again (a third of the suite's time went to that);
    frozen, collections see only what the tests create.
    """
    result = yield
    if FULL_COLLECTIONS.slow:
        gc.collect()
        gc.freeze()
        FULL_COLLECTIONS.slow = False  # after the collection, which is slow too and would set it again
    return result


@pytest.fixture(scope="session")
def record_stack() -> RecordStack:
    """Evaluate a program (by default this project's `main`) with `config` and return what it registered.

    The project's own program is evaluated once per distinct (config, account, stack, stack outputs) in a
    session: many tests read the same example graphs. Each caller gets its own copy of the lists, and the
    recorded resources are frozen; no test changes a recorded input in place (mutations copy, see
    tests/policy/recorded_policy_args.py).
    """
    # Imported here so test folders that never record a stack (the notifier's) do not load Pulumi.
    from root_activity_monitor.program import main
    from root_activity_monitor.simulate import record_program

    recorded: dict[str, RecordedStack] = {}

    def record(
        config: Mapping[str, Any],
        *,
        program: Callable[[], object] | None = None,
        account_id: str = "111111111111",
        stack: str = "test",
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> RecordedStack:
        if program is not None:
            return record_program(
                program, config, account_id=account_id, stack=stack, stack_outputs=stack_outputs
            )
        key = json.dumps([config, account_id, stack, stack_outputs], sort_keys=True, default=str)
        if key not in recorded:
            recorded[key] = record_program(
                main, config, account_id=account_id, stack=stack, stack_outputs=stack_outputs
            )
        return dataclasses.replace(
            recorded[key],
            resources=list(recorded[key].resources),
            exports=dict(recorded[key].exports),
            warnings=list(recorded[key].warnings),
            reads=list(recorded[key].reads),
        )

    return record
