"""The notifier Lambda, run in-process the way its SQS event source mapping would run it.

moto's Lambda needs Docker, so the replay imports the packaged handler itself: with the function's
recorded environment, its region, and credentials for its execution role (as Lambda provides them), it
hands the handler batches read from the buffer queue and deletes the records it did not hand back.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..arns import parse_arn, queue_url
from ..hub.notifier import REPORT_BATCH_ITEM_FAILURES
from .accounts import AwsAccounts
from .iam import Caller, KeyPolicyLookup, evaluate
from .lambda_task import UnpackError, function_environment, loaded_handler
from .recording import RecordedResource, RecordedStack

_MAX_RECEIVE = 10  # SQS ReceiveMessage returns at most 10 messages per call


@dataclass
class NotifierRun:
    """What the emulated event source mapping did."""

    invocations: int = 0
    records: int = 0
    returned_for_retry: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    """The attributes of Lambda's context object that handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str = "simulated"
    function_version: str = "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        """Lambda's countdown; the replay does not time out."""
        return 900_000


@dataclass(frozen=True)
class _Mapping:
    queue_arn: str
    function: RecordedResource
    batch_size: int
    report_failures: bool


def _mappings(stack: RecordedStack) -> list[_Mapping]:
    functions = stack.of_type("aws:lambda/function:Function")
    found: list[_Mapping] = []
    for mapping in stack.of_type("aws:lambda/eventSourceMapping:EventSourceMapping"):
        wanted = str(mapping.inputs.get("functionName", ""))
        for function in functions:
            if wanted in (function.outputs.get("name"), function.arn):
                response_types = mapping.inputs.get("functionResponseTypes") or []
                found.append(
                    _Mapping(
                        queue_arn=str(mapping.inputs["eventSourceArn"]),
                        function=function,
                        batch_size=int(mapping.inputs.get("batchSize") or 10),
                        report_failures=REPORT_BATCH_ITEM_FAILURES in response_types,
                    )
                )
    return found


def _records(messages: list[Mapping[str, Any]], queue_arn: str) -> list[dict[str, Any]]:
    region = _region(queue_arn)
    return [
        {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {},
            "md5OfBody": hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
        for message in messages
    ]


# Publishing to a topic encrypted with a customer-managed key makes SNS call KMS as the publisher.
PUBLISH_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


def publish_refusal(
    aws: AwsAccounts,
    stack: RecordedStack,
    function: RecordedResource,
    topic_arn: str,
    key_policy: KeyPolicyLookup,
) -> str | None:
    """Why the function's role could not publish to the topic (moto enforces neither IAM nor KMS), or None."""
    role_arn = str(function.inputs.get("role", ""))
    role = parse_arn(role_arn)
    account = role.account_id if role is not None else ""
    documents = aws.inline_role_policies(account, role.resource_name) if role is not None else None
    if documents is None:
        return f"the notifier's role {role_arn} does not exist"
    decision = evaluate(
        documents, action="sns:Publish", resource=topic_arn, caller=Caller(), resource_based=False
    )
    if not decision.allowed:
        return f"the notifier's role {role_arn} may not sns:Publish to {topic_arn}"
    return _topic_key_refusal(
        stack, topic_arn, role_arn=role_arn, account=account, role_documents=documents, key_policy=key_policy
    )


def _topic_key_refusal(
    stack: RecordedStack,
    topic_arn: str,
    *,
    role_arn: str,
    account: str,
    role_documents: list[Any],
    key_policy: KeyPolicyLookup,
) -> str | None:
    """Why KMS would refuse the publisher the topic's customer-managed key, or None.

    KMS allows a call when the key policy names the caller, or when it names the caller's account (which
    delegates to IAM) and the caller's IAM policy allows it too.
    """
    topic = next((t for t in stack.of_type("aws:sns/topic:Topic") if t.arn == topic_arn), None)
    key = str(topic.inputs.get("kmsMasterKeyId") or "") if topic is not None else ""
    if not key or key.startswith("alias/aws/"):
        return None  # unencrypted, or an AWS-managed key every principal of the account may use for SNS
    policy = key_policy(key)
    if policy is None:
        return f"topic {topic_arn} is encrypted with {key}, which the stacks do not create"
    for action in PUBLISH_KEY_ACTIONS:
        named = evaluate(
            [policy], action=action, resource=key, caller=Caller(arn=role_arn), resource_based=True
        )
        delegated = (
            evaluate(
                [policy], action=action, resource=key, caller=Caller(account_id=account), resource_based=True
            ).allowed
            and evaluate(
                role_documents, action=action, resource=key, caller=Caller(), resource_based=False
            ).allowed
        )
        if not (named.allowed or delegated):
            return f"the notifier's role {role_arn} may not {action} with the topic's key {key}"
    return None


class LoadedHandlers:
    """Keeps each function's handler loaded between drains: unpacking and importing it anew costs a fifth of
    a second, once per account when the replay drains after each account. While open, the process has the
    last loaded function's environment (the replay's own clients carry their credentials)."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._handlers: dict[str, Any] = {}

    def __enter__(self) -> LoadedHandlers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()

    def handler(self, function: RecordedResource, environment: Mapping[str, str]) -> Any:
        """The function's handler, loaded on first use."""
        if function.urn not in self._handlers:
            self._handlers[function.urn] = self._stack.enter_context(
                loaded_handler(function.inputs.get("code"), str(function.inputs["handler"]), environment)
            )
        return self._handlers[function.urn]


def run_notifiers(
    aws: AwsAccounts,
    stack: RecordedStack,
    key_policy: KeyPolicyLookup = lambda _key: None,
    loaded: LoadedHandlers | None = None,
) -> NotifierRun:
    """Drain every queue an event source mapping of `stack` reads, invoking its function per batch.

    `key_policy` finds a recorded KMS key's policy by ARN or ID: the notifier must be able to use the
    topic's key. `loaded`: handlers kept loaded across calls (else each call loads and unloads them).
    """
    run = NotifierRun()
    for mapping in _mappings(stack):
        function = mapping.function
        variables = dict((function.inputs.get("environment") or {}).get("variables") or {})
        topic_arn = str(variables.get("TOPIC_ARN", ""))
        refusal = publish_refusal(aws, stack, function, topic_arn, key_policy)
        if refusal:
            run.problems.append(refusal)
            continue
        name = str(function.outputs.get("name"))
        environment = function_environment(aws, stack.account_id, function)
        try:
            if loaded is not None:
                handler = loaded.handler(function, environment)
                _drain(aws, mapping, handler=handler, account=stack.account_id, run=run)
                continue
            with loaded_handler(
                function.inputs.get("code"), str(function.inputs["handler"]), environment
            ) as handler:
                _drain(aws, mapping, handler=handler, account=stack.account_id, run=run)
        except (UnpackError, ImportError, AttributeError) as error:
            run.problems.append(f"the notifier {name} cannot be loaded from its code: {error}")
    return run


def _region(arn: str) -> str:
    parsed = parse_arn(arn)
    return parsed.region if parsed is not None else ""


def _drain(aws: AwsAccounts, mapping: _Mapping, *, handler: Any, account: str, run: NotifierRun) -> None:
    function = mapping.function
    sqs = aws.sqs(account, _region(mapping.queue_arn))
    url = queue_url(mapping.queue_arn)
    while True:
        # The batching window has long passed when the replay polls: the mapping collects up to the batch
        # size before invoking, which is what the window is for.
        messages: list[Any] = []
        while len(messages) < mapping.batch_size:
            answer = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(_MAX_RECEIVE, mapping.batch_size - len(messages)),
                AttributeNames=["All"],
            )
            received = answer.get("Messages", [])
            if not received:
                break
            messages.extend(received)
        if not messages:
            return
        context = _Context(
            function_name=str(function.outputs.get("name")),
            invoked_function_arn=str(function.arn),
            memory_limit_in_mb=int(function.inputs.get("memorySize") or 128),
            aws_request_id=str(uuid.uuid4()),
            log_group_name=f"/aws/lambda/{function.outputs.get('name')}",
        )
        run.invocations += 1
        run.records += len(messages)
        try:
            response = handler({"Records": _records(messages, mapping.queue_arn)}, context)
        except Exception as error:  # a raised error fails the whole batch: nothing is deleted
            run.problems.append(f"the notifier raised {type(error).__name__}: {error}")
            run.returned_for_retry.extend(message["MessageId"] for message in messages)
            continue
        failures: set[str] = set()
        if mapping.report_failures and isinstance(response, Mapping):
            failures = {str(item.get("itemIdentifier")) for item in response.get("batchItemFailures", [])}
        run.returned_for_retry.extend(sorted(failures))
        for message in messages:
            if message["MessageId"] not in failures:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
