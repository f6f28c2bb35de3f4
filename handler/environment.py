"""What an entry point cannot run without: its required environment variables, read on every invocation.

The notifier, the watchdog and the posture audit each need a topic (and the latter two a table); a function
deployed without one fails loudly, with one log line and one error naming each missing variable and what it
should hold, so the invocation's error (and its retry) says what to fix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from . import jsonlog

TOPIC_ARN = ("TOPIC_ARN", "the ARN of the SNS topic to notify")


class MissingEnvironmentError(RuntimeError):
    """The function was deployed without an environment variable it needs."""


def required(*variables: tuple[str, str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """The values of the (name, what it holds) ``variables``, in order; logs and raises naming every one
    that is unset or blank."""
    values = [environ.get(name, "").strip() for name, _ in variables]
    missing = [f"{name} ({what})" for (name, what), value in zip(variables, values, strict=True) if not value]
    if missing:
        message = f"environment variable not set: {'; '.join(missing)}"
        jsonlog.error(message)
        raise MissingEnvironmentError(message)
    return values
