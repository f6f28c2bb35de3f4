"""Structured JSON log lines, so CloudWatch Logs Insights can filter on messageId, level and event."""

from __future__ import annotations

import json
import logging
from typing import Any

_logger = logging.getLogger("root_activity_notifier")
_logger.setLevel(logging.INFO)


def log(level: int, message: str, **fields: Any) -> None:
    """Log one JSON object: ``{"level", "message", **fields}``; unserialisable values become strings."""
    record = {"level": logging.getLevelName(level), "message": message, **fields}
    _logger.log(level, json.dumps(record, default=str, ensure_ascii=False))


def info(message: str, **fields: Any) -> None:
    log(logging.INFO, message, **fields)


def warning(message: str, **fields: Any) -> None:
    log(logging.WARNING, message, **fields)


def error(message: str, **fields: Any) -> None:
    log(logging.ERROR, message, **fields)
