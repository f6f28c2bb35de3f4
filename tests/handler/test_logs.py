"""Log lines as Lambda's JSON log format writes them: fields at the top level, and bounded in size."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from awslambdaric.lambda_runtime_log_utils import JsonFormatter
from load import load_event, sqs_batch

from handler import app, jsonlog


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each record as the Lambda Python runtime's JSON formatter writes it."""
    return [JsonFormatter().format(r) for r in caplog.records]


def test_fields_are_top_level_keys_of_the_json_line(caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a log call with fields WHEN written by the runtime's formatter THEN each field is a key."""
    with caplog.at_level(logging.INFO):
        jsonlog.info("batch done", rootEvents=3, messageIds=["m-1"], name="clash", level="clash")
    [line] = lines(caplog)
    entry: dict[str, Any] = json.loads(line)
    assert (entry["message"], entry["rootEvents"], entry["messageIds"]) == ("batch done", 3, ["m-1"])
    assert (entry["name_"], entry["level_"], entry["level"]) == ("clash", "clash", "INFO")


def test_a_thousand_non_root_records_write_a_few_kilobytes(caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a 1,001-record batch of non-root events with long fields WHEN handled THEN the logs are a few
    lines of at most a few kilobytes each, still counting every record."""
    event = load_event("non_root_iam_user", userAgent="x" * 10_000, eventName="Stop" + "y" * 5_000)
    with caplog.at_level(logging.INFO):
        app.handle_batch(sqs_batch(*[event] * 1001), "arn:aws:sns:us-east-1:1:t", publish=lambda _: None)
    written = lines(caplog)
    assert sum(len(line) for line in written) < 20_000
    [warning] = [json.loads(line) for line in written if "non-root" in line]
    assert warning["count"] == 1001
    assert warning["messageIds"][-1] == "... 981 more"


def test_a_line_names_the_code_that_logged_it(caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a batch WHEN the notifier logs its summary THEN the record points at the notifier's code that
    logged it, not at the logging helper (the runtime's formatter shows it with a stack trace)."""
    with caplog.at_level(logging.INFO):
        app.handle_batch(
            sqs_batch(load_event("root_api_read_only")), "arn:aws:sns:us-east-1:1:t", publish=list
        )
    [record] = [r for r in caplog.records if r.getMessage() == "batch done"]
    assert (record.filename, record.funcName) == ("app.py", "handle_batch")
