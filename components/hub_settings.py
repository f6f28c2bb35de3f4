"""HubNotifierArgs checked and completed with defaults, before HubNotifier creates anything."""

from collections.abc import Mapping
from typing import Any

from . import validation

DEFAULT_EVENT_BUS_NAME = "root-activity-monitor"
DEFAULT_BATCH_WINDOW_SECONDS = 30
DEFAULT_LOG_RETENTION_DAYS = 365

# The batching window only folds a session if the batch can hold it. SQS allows up to 10,000 with a
# window but only 10 without one (batch size above 10 requires a window of at least 1 s).
BATCH_SIZE_WITH_WINDOW = 1000
BATCH_SIZE_WITHOUT_WINDOW = 10
# The values CloudWatch Logs accepts for retentionInDays.
LOG_RETENTION_DAYS_ALLOWED = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


class HubSettings:
    """HubNotifierArgs checked and completed with defaults."""

    def __init__(self, args: Mapping[str, Any]) -> None:
        where = "HubNotifierArgs"
        self.regions = validation.require_regions(args.get("regions"), f"{where}.regions")
        organization_id = args.get("organization_id")
        self.organization_id = (
            validation.require_organization_id(organization_id, f"{where}.organization_id")
            if organization_id is not None
            else None
        )
        self.spoke_account_ids = validation.require_account_ids(
            args.get("spoke_account_ids", ()), f"{where}.spoke_account_ids"
        )
        if self.organization_id is None and not self.spoke_account_ids:
            message = (
                f"{where}: give organization_id, spoke_account_ids or both, so the hub bus accepts events "
                "from the spokes (an unconditioned '*' principal is never used)"
            )
            raise validation.ConfigError(message)
        self.notification_emails = validation.require_emails(
            args.get("notification_emails", ()), f"{where}.notification_emails"
        )
        self.event_bus_name = validation.require_event_bus_name(
            args.get("event_bus_name", DEFAULT_EVENT_BUS_NAME), f"{where}.event_bus_name"
        )
        self.batch_window_seconds = validation.require_batch_window(
            args.get("batch_window_seconds", DEFAULT_BATCH_WINDOW_SECONDS), f"{where}.batch_window_seconds"
        )
        self.batch_size = (
            BATCH_SIZE_WITH_WINDOW if self.batch_window_seconds > 0 else BATCH_SIZE_WITHOUT_WINDOW
        )
        self.account_names = validation.require_account_names(
            args.get("account_names", {}), f"{where}.account_names"
        )
        retention = args.get("log_retention_days", DEFAULT_LOG_RETENTION_DAYS)
        if retention not in LOG_RETENTION_DAYS_ALLOWED:
            message = (
                f"{where}.log_retention_days must be one of CloudWatch Logs' retention values "
                f"{', '.join(map(str, LOG_RETENTION_DAYS_ALLOWED))}, got {retention!r}"
            )
            raise validation.ConfigError(message)
        self.log_retention_days = retention
