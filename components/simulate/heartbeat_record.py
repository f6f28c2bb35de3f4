"""The one CloudTrail record of a heartbeat call, for the replay and for the tests.

No published CloudTrail sample of a call made by EventBridge Scheduler's universal target exists, so this
record is invented: an `events:TestEventPattern` call by the heartbeat role's assumed-role session, shaped
like the AssumedRole records AWS publishes (tests/events/SOURCES.md). It needs neither boto3 nor moto, so
the notifier's tests build their heartbeats from it too.
"""

from __future__ import annotations

import json
from typing import Any

from ..event_pattern import API_CALL_DETAIL_TYPE
from ..heartbeat import EVENT_NAME, EVENT_SOURCE
from ..heartbeat_policies import SCHEDULER_SERVICE


def heartbeat_record(
    account: str,
    region: str,
    role_arn: str,
    time: str,
    *,
    event_id: str,
    error: str | None = None,
    request: str | None = None,
) -> dict[str, Any]:
    """The EventBridge event CloudTrail delivers for the heartbeat call `role_arn` made at `time`.

    `error`: the call was refused (CloudTrail records it with errorCode AccessDenied and this message).
    `request`: the schedule's input (the call's `Event` and `EventPattern`), recorded as `requestParameters`
    under the lower-camel names CloudTrail gives other calls' parameters (`event`, `eventPattern`): assumed,
    no published record of this call confirms them.
    """
    role_name = role_arn.rsplit("/", 1)[-1]
    detail: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROASIMULATED:{event_id[:8]}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{event_id[:8]}",
            "accountId": account,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROASIMULATED",
                    "arn": role_arn,
                    "accountId": account,
                    "userName": role_name,
                },
                "attributes": {"creationDate": time, "mfaAuthenticated": "false"},
            },
            "invokedBy": SCHEDULER_SERVICE,
        },
        "eventTime": time,
        "eventSource": EVENT_SOURCE,
        "eventName": EVENT_NAME,
        "awsRegion": region,
        "sourceIPAddress": SCHEDULER_SERVICE,
        "userAgent": SCHEDULER_SERVICE,
        "requestParameters": _parameters(request),
        "responseElements": None,
        "eventID": event_id,
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if error:
        detail |= {"errorCode": "AccessDenied", "errorMessage": error}
    return {
        "version": "0",
        "id": event_id,
        "detail-type": API_CALL_DETAIL_TYPE,
        "source": "aws.events",
        "account": account,
        "time": time,
        "region": region,
        "resources": [],
        "detail": detail,
    }


def _parameters(request: str | None) -> dict[str, Any] | None:
    if not request:
        return None
    call = json.loads(request)
    return {"event": call.get("Event"), "eventPattern": call.get("EventPattern")}
