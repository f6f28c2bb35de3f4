"""Amazon Resource Names: the one parser the components, the program and the simulator use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .regions import require_region
from .validation import ConfigError

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_EVENT_BUS_NAME = re.compile(r"^[A-Za-z0-9._-]{1,256}$")


@dataclass(frozen=True)
class Arn:
    """The parts of `arn:partition:service:region:account-id:resource`."""

    text: str
    partition: str
    service: str
    region: str
    account_id: str
    resource: str

    @property
    def resource_name(self) -> str:
        """The resource after its type: `my-bus` of `event-bus/my-bus`, `my-role` of `role/path/my-role`."""
        return re.split(r"[/:]", self.resource)[-1]


def parse_arn(text: object) -> Arn | None:
    """The parts of an ARN, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(text, parts[1], parts[2], parts[3], parts[4], parts[5])


def queue_url(queue_arn: str) -> str:
    """The URL of an SQS queue from its ARN (the shape AWS uses in every commercial region)."""
    arn = parse_arn(queue_arn)
    if arn is None or arn.service != "sqs":
        message = f"not an SQS queue ARN: {queue_arn!r}"
        raise ValueError(message)
    return f"https://sqs.{arn.region}.amazonaws.com/{arn.account_id}/{arn.resource}"


@dataclass(frozen=True)
class EventBusArn:
    """The parts of an event bus ARN."""

    arn: str
    region: str
    account_id: str
    name: str


def parse_event_bus_arn(value: object, where: str) -> EventBusArn:
    """An event bus ARN in the commercial partition, split into its parts; ConfigError naming `where`."""
    arn = parse_arn(value)
    name = arn.resource.removeprefix("event-bus/") if arn is not None else ""
    if (
        arn is None
        or arn.partition != "aws"
        or arn.service != "events"
        or not _ACCOUNT_ID.match(arn.account_id)
        or not arn.resource.startswith("event-bus/")
        or not _EVENT_BUS_NAME.match(name)
    ):
        message = (
            f"{where} must be an event bus ARN like "
            f"'arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor' (the hub stack's "
            f"eventBusArn output), got {value!r}"
        )
        raise ConfigError(message)
    if name == "default":
        # The hub bus is the custom bus the hub stack creates, with the policy and the rule to the buffer;
        # events sent to a default bus would never reach the notifier.
        message = (
            f"{where} names an event bus called 'default'; it must be the hub's own bus, e.g. "
            f"'arn:aws:events:{arn.region or 'eu-west-1'}:{arn.account_id}:event-bus/root-activity-monitor' "
            "(the hub stack's eventBusArn output)"
        )
        raise ConfigError(message)
    region = require_region(arn.region, f"{where} (region part)")
    return EventBusArn(arn=arn.text, region=region, account_id=arn.account_id, name=name)
