"""Each entry point refuses to run without its required environment, naming the missing variable."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from handler import app, posture_audit, watchdog
from handler.environment import MissingEnvironmentError

TOPIC = "arn:aws:sns:us-east-1:111111111111:t"
# Entry point → (the handler, every variable it requires with a value that would do).
ENTRY_POINTS: dict[str, tuple[Callable[[Any, Any], Any], dict[str, str]]] = {
    "notifier": (app.lambda_handler, {"TOPIC_ARN": TOPIC}),
    "watchdog": (watchdog.watchdog_handler, {"TOPIC_ARN": TOPIC, "HEARTBEAT_TABLE": "heartbeats"}),
    "posture audit": (posture_audit.posture_handler, {"TOPIC_ARN": TOPIC, "POSTURE_TABLE": "posture"}),
}
CASES = [(entry, missing) for entry, (_, needed) in ENTRY_POINTS.items() for missing in needed]


@pytest.mark.parametrize(("entry", "missing"), CASES, ids=[f"{e} without {m}" for e, m in CASES])
def test_a_missing_variable_is_a_clear_error_naming_it(
    entry: str, missing: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """GIVEN an entry point whose every required variable is set but one (unset, or blank) WHEN invoked
    THEN it raises, and logs one error, naming that variable and only it."""
    handler, needed = ENTRY_POINTS[entry]
    for name, value in needed.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(missing, "  ")
    with caplog.at_level(logging.ERROR), pytest.raises(MissingEnvironmentError) as raised:
        handler({"Records": []}, None)
    named = [name for name in needed if name in str(raised.value)]
    assert named == [missing]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [str(raised.value)]

    monkeypatch.delenv(missing)
    with pytest.raises(MissingEnvironmentError, match=missing):
        handler({"Records": []}, None)
