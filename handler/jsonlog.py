"""Log lines that CloudWatch Logs Insights can filter on: fields as fields, and never a huge line.

The function runs with Lambda's JSON log format, whose Python runtime writes each record's ``extra``
attributes as top-level keys of the JSON line. So fields go in ``extra``, not into a JSON string inside
``message``. Every value is bounded (text length, list items, nesting) so that a hostile or huge batch
costs a few kilobytes of logs per line, not megabytes.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from .textsafe import shorten

MAX_TEXT = 512
MAX_ITEMS = 20
MAX_DEPTH = 3
_logger = logging.getLogger("root_activity_notifier")
_logger.setLevel(logging.INFO)
# Names a LogRecord already has cannot be passed in ``extra`` (logging raises KeyError for them), and the
# runtime's JSON formatter drops extra keys that clash with its own.
_FORMATTER_KEYS = {"timestamp", "level", "logger", "stackTrace", "errorType", "errorMessage", "requestId"}
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "location", "tenantId"}
_RESERVED |= _FORMATTER_KEYS
# The runtime's JSON formatter never writes a record's thread or process (reserved fields there), and the
# function runs one process: not collecting them saves a fifth of every line's cost.
logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def bounded(value: Any, depth: int = 0) -> Any:
    """``value`` with text cut to MAX_TEXT, lists and objects to MAX_ITEMS, nesting to MAX_DEPTH."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return shorten(value, MAX_TEXT)
    if depth >= MAX_DEPTH:
        return shorten(repr(value), MAX_TEXT)
    if isinstance(value, dict):
        items = list(value.items())
        out = {shorten(str(k), 64): bounded(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            out["..."] = f"{len(items) - MAX_ITEMS} more"
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        values = list(value)
        listed = [bounded(v, depth + 1) for v in values[:MAX_ITEMS]]
        if len(values) > MAX_ITEMS:
            listed.append(f"... {len(values) - MAX_ITEMS} more")
        return listed
    return shorten(str(value), MAX_TEXT)


def _log(level: int, message: str, fields: dict[str, Any]) -> None:
    """One log record: ``message`` plus each field as a top-level key (renamed with ``_`` if reserved).

    The record names the code that called ``log``/``info``/``warning``/``error``, found in one step:
    logging's own search of the stack would stop in this module and cost as much again as the rest of the
    line.
    """
    if not _logger.isEnabledFor(level):
        return
    extra = {(f"{k}_" if k in _RESERVED else k): bounded(v) for k, v in fields.items()}
    caller = sys._getframe(2)
    code = caller.f_code
    record = _logger.makeRecord(
        _logger.name, level, code.co_filename, caller.f_lineno, shorten(message, MAX_TEXT), (), None,
        code.co_name, extra,
    )  # fmt: skip
    _logger.handle(record)


def log(level: int, message: str, /, **fields: Any) -> None:
    _log(level, message, fields)


def info(message: str, /, **fields: Any) -> None:
    _log(logging.INFO, message, fields)


def warning(message: str, /, **fields: Any) -> None:
    _log(logging.WARNING, message, fields)


def error(message: str, /, **fields: Any) -> None:
    _log(logging.ERROR, message, fields)
