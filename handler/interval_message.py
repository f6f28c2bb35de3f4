"""The `health` notification of a heartbeat interval the hub's watchdog cannot tolerate.

Same delivery as the other notifications (``MessageStructure=json``: ``email``, ``https`` for AWS Chatbot,
``default`` for every other protocol), one per (account, region) and change, naming the config key, the
pair's interval and the hub's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .envelope import envelope, event_fields
from .heartbeat_interval import Mismatch, Notify
from .sns_request import (
    PublishRequest,
    chatbot_card,
    compact_json,
    message_attributes,
    structured_message,
    subject_line,
)
from .textsafe import md_plain

CATEGORY = "health"
SEVERITY = "MEDIUM"
EVENT_NAME = "HeartbeatIntervalMismatch"
CONFIG_KEY = "heartbeatIntervalMinutes"


def notifier(
    topic_arn: str, publish: Callable[[PublishRequest], object], account_name: Callable[[str], str] = str
) -> Notify:
    """Publishes a mismatch to `topic_arn`."""
    return lambda mismatch: publish(publish_request(topic_arn, mismatch, account_name(mismatch.account_id)))


def reason(mismatch: Mismatch) -> str:
    """What is wrong and what to set, in one sentence."""
    spoke, hub = mismatch.minutes, mismatch.hub_minutes
    return (
        f"this region's heartbeat calls every {spoke} minutes, but the hub's watchdog expects one every "
        f"{hub} minutes and reports silence after {mismatch.silent_intervals} intervals "
        f"({mismatch.threshold_minutes} minutes): set {CONFIG_KEY} to {hub} on the "
        f"spoke or org stack that covers this account (or name the hub with hubStack), or raise {CONFIG_KEY} "
        f"or heartbeatSilentIntervals on the hub; until then this region is reported as a monitoring gap "
        f"between heartbeats"
    )


def publish_request(topic_arn: str, mismatch: Mismatch, account_name: str) -> PublishRequest:
    """The notification for one pair whose interval does not fit the hub's watchdog."""
    account_id, region = mismatch.account_id, mismatch.region
    title = (
        f"Heartbeat interval mismatch in {region}: {CONFIG_KEY} {mismatch.minutes} here, "
        f"{mismatch.hub_minutes} on the hub"
    )
    why = reason(mismatch)
    at = datetime.fromtimestamp(mismatch.now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = envelope(
        category=CATEGORY,
        severity=SEVERITY,
        title=title,
        account_id=account_id,
        account_name=account_name,
        event_count=1,
        events=[
            event_fields(
                event_id=f"{CATEGORY}:{account_id}:{region}:{EVENT_NAME}:{mismatch.minutes}:{mismatch.now}",
                event_name=EVENT_NAME,
                event_time=at,
                aws_region=region,
                source_ip="",
                user_agent="",
                severity=SEVERITY,
                reason=why,
            )
            | {
                "configKey": CONFIG_KEY,
                "intervalMinutes": mismatch.minutes,
                "hubIntervalMinutes": mismatch.hub_minutes,
                "hubSilentIntervals": mismatch.silent_intervals,
            }
        ],
        truncated=False,
    )
    email = "\n".join(
        [title, "", f"Account: {account_name} ({account_id})", f"Region: {region}", "", why, ""]
    )
    card = chatbot_card(md_plain(f"[{SEVERITY}] {title} - {account_name} ({account_id})"), md_plain(why))
    message = structured_message(compact_json(document), email, card)
    attributes = message_attributes(CATEGORY, SEVERITY, account_id, EVENT_NAME)
    subject = subject_line(SEVERITY, f"Heartbeat interval mismatch in {region}", account_id, account_name)
    return PublishRequest(topic_arn, subject, message, attributes, False, ())
