"""Run a Pulumi program under mocks and record every resource it registers.

Used by the test suite and by `simulate`: both need to see the resource graph a stack would create, with
the inputs Pulumi received after resolution, without a Pulumi CLI, provider plugin or AWS account.

The mocks answer like AWS would where the program depends on the answer: ARNs, queue URLs and physical
names follow AWS's formats for the stack's account and the resource's region, so policies that name an
ARN (a queue policy's `aws:SourceArn`, a role's `events:PutEvents` resource) can be checked against the
resources they are meant to match.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from ..program.config import NAMESPACE as CONFIG_NAMESPACE
from ..regions import GLOBAL_EVENTS_REGION

DEFAULT_ACCOUNT_ID = "111111111111"
DEFAULT_REGION = GLOBAL_EVENTS_REGION
"""The provider region when a stack sets no aws:region."""

# Pulumi runtime state is process-global: one program evaluation at a time.
_RUN_LOCK = threading.Lock()
# The event loop an evaluation leaves current, for code that reads Outputs after it; the next evaluation
# closes it. Dropped unclosed, a loop is closed by the collector, after its sockets, and that fails.
_idle_loop: asyncio.AbstractEventLoop | None = None


@dataclass(frozen=True)
class RecordedResource:
    """One resource the program registered, as Pulumi received it."""

    type: str
    name: str
    urn: str
    parent_urn: str | None
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    region: str
    dependencies: tuple[str, ...] = ()
    """URNs this resource waits for: explicit `depends_on` plus the resources its inputs came from."""
    ignore_changes: tuple[str, ...] = ()
    """Properties whose drift Pulumi is told to ignore (`ignore_changes`)."""

    @property
    def arn(self) -> str | None:
        """The resource's ARN, when it has one."""
        value = self.outputs.get("arn")
        return value if isinstance(value, str) else None

    def json_input(self, key: str) -> Any:
        """A policy-like input parsed from its JSON string."""
        raw = self.inputs.get(key)
        return json.loads(raw) if isinstance(raw, str) else raw


@dataclass
class RecordedStack:
    """Everything one evaluation of a program registered and exported."""

    project: str
    stack: str
    account_id: str
    default_region: str
    resources: list[RecordedResource] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    reads: list[RecordedResource] = field(default_factory=list)
    """Resources the program read rather than registered (stack references, `.get()` lookups)."""

    def of_type(self, type_token: str) -> list[RecordedResource]:
        """Every recorded resource of one type token, in registration order."""
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str) -> RecordedResource:
        """The single recorded resource of a type; fails when there are none or several."""
        found = self.of_type(type_token)
        if len(found) != 1:
            message = f"expected exactly one {type_token}, found {len(found)}: {[r.name for r in found]}"
            raise LookupError(message)
        return found[0]

    def named(self, type_token: str, name: str) -> RecordedResource:
        """The recorded resource with this type token and logical name."""
        for resource in self.resources:
            if resource.type == type_token and resource.name == name:
                return resource
        message = f"no {type_token} named {name!r}; recorded: {[r.name for r in self.of_type(type_token)]}"
        raise LookupError(message)

    def children_of(self, parent: RecordedResource) -> list[RecordedResource]:
        """Every resource registered with `parent` as its parent."""
        return [r for r in self.resources if r.parent_urn == parent.urn]

    def by_urn(self, urn: str) -> RecordedResource:
        """The recorded resource with this URN."""
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        message = f"no recorded resource with URN {urn}"
        raise KeyError(message)

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)


def _event_bus_arn(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:events:{region}:{account}:event-bus/{name}"}


def _rule_arn(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    bus = inputs.get("eventBusName") or "default"
    path = f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}"
    return {"arn": f"arn:aws:events:{region}:{account}:{path}"}


def _queue(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "arn": f"arn:aws:sqs:{region}:{account}:{name}",
        "url": f"https://sqs.{region}.amazonaws.com/{account}/{name}",
    }


def _topic(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:sns:{region}:{account}:{name}"}


def _kms_key(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    digest = hashlib.sha256(f"{account}/{region}/{name}".encode()).hexdigest()
    key_id = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    return {"arn": f"arn:aws:kms:{region}:{account}:key/{key_id}", "keyId": key_id}


def _iam_role(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::{account}:role/{name}", "uniqueId": f"AROA{name.upper()[:16]}"}


def _lambda_function(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return {"arn": arn, "invokeArn": arn, "qualifiedArn": f"{arn}:$LATEST"}


def _log_group(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:logs:{region}:{account}:log-group:{name}"}


def _subscription(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    topic = inputs.get("topic") or f"arn:aws:sns:{region}:{account}:unknown"
    return {"arn": f"{topic}:{name}"}


def _table(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:dynamodb:{region}:{account}:table/{name}"}


def _schedule(region: str, account: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    group = inputs.get("groupName") or "default"
    return {"arn": f"arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}"}


# Computed attributes AWS would return, per type token. Types missing here get only their inputs back
# plus an `arn` built from the generic pattern.
ARN_SHAPES: dict[str, Callable[[str, str, str, Mapping[str, Any]], dict[str, Any]]] = {
    "aws:cloudwatch/eventBus:EventBus": _event_bus_arn,
    "aws:cloudwatch/eventRule:EventRule": _rule_arn,
    "aws:sqs/queue:Queue": _queue,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:kms/key:Key": _kms_key,
    "aws:iam/role:Role": _iam_role,
    "aws:lambda/function:Function": _lambda_function,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:dynamodb/table:Table": _table,
    "aws:scheduler/schedule:Schedule": _schedule,
}


class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that answer with AWS-shaped outputs for one account and remember what was registered."""

    def __init__(
        self,
        *,
        account_id: str,
        default_region: str,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.default_region = default_region
        self.stack_outputs = dict(stack_outputs or {})
        self.registered: dict[str, tuple[str, dict[str, Any], dict[str, Any], bool]] = {}

    def _physical_name(self, args: pulumi_mocks.MockResourceArgs) -> str:
        explicit = args.inputs.get("name")
        if isinstance(explicit, str) and explicit:
            return explicit
        prefix = args.inputs.get("namePrefix")
        # Pulumi appends a random 7-hex suffix; a digest of the logical name keeps runs reproducible.
        suffix = hashlib.sha256(args.name.encode()).hexdigest()[:7]
        return f"{prefix}{suffix}" if isinstance(prefix, str) else f"{args.name}-{suffix}"

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            stack_name = args.inputs.get("name", args.name)
            outputs = self.stack_outputs.get(stack_name)
            if outputs is None:
                message = f"no outputs are known for stack reference {stack_name!r}"
                raise KeyError(message)
            return stack_name, {"name": stack_name, "outputs": dict(outputs), "secretOutputNames": []}
        region = args.inputs.get("region") or self.default_region
        name = self._physical_name(args)
        state: dict[str, Any] = dict(args.inputs)
        state.setdefault("region", region)
        if args.custom:
            state.setdefault("name", name)
            shape = ARN_SHAPES.get(args.typ)
            if shape is not None:
                state.update(shape(region, self.account_id, name, args.inputs))
            else:
                service = args.typ.split(":")[1].split("/")[0]
                state.setdefault("arn", f"arn:aws:{service}:{region}:{self.account_id}:{name}")
        resource_id = state.get("url") if args.typ == "aws:sqs/queue:Queue" else name
        return str(resource_id), state

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:aws:iam::{self.account_id}:user/simulated",
                "userId": "AIDASIMULATED",
                "id": self.account_id,
            }, []
        if token == "aws:index/getRegion:getRegion":
            region = args.args.get("region") or self.default_region
            return {"name": region, "region": region, "id": region}, []
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        message = f"the recording mocks do not answer {token}"
        raise NotImplementedError(message)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also remembers each resource's parent and whether it is custom.

    The SDK calls it from the evaluation loop's executor threads, and the mock monitor gives each such
    thread an event loop of its own; `thread_loops` remembers them so the evaluation can close them.
    """

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()
        self.parents: dict[str, str | None] = {}
        self.inputs: dict[str, dict[str, Any]] = {}
        self.custom: dict[str, bool] = {}
        self.order: list[str] = []
        self.read_order: list[str] = []
        self.dependencies: dict[str, tuple[str, ...]] = {}
        self.ignore_changes: dict[str, tuple[str, ...]] = {}

    def _note_thread_loop(self) -> None:
        with contextlib.suppress(RuntimeError):  # a call that returned before the monitor made one
            self.thread_loops.add(asyncio.get_event_loop_policy().get_event_loop())

    def Invoke(self, request: Any) -> Any:  # the gRPC method name the SDK calls
        try:
            return super().Invoke(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()

    def ReadResource(self, request: Any) -> Any:  # the gRPC method name the SDK calls
        try:
            response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()
        self.parents[response.urn] = request.parent or None
        self.inputs[response.urn] = pulumi.runtime.rpc.deserialize_properties(request.properties)
        self.custom[response.urn] = True
        self.read_order.append(response.urn)
        return response

    def RegisterResource(self, request: Any) -> Any:  # the gRPC method name the SDK calls
        try:
            response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()
        if request.type != "pulumi:pulumi:Stack":
            urn = response.urn
            self.parents[urn] = request.parent or None
            self.inputs[urn] = pulumi.runtime.rpc.deserialize_properties(request.object)
            self.custom[urn] = bool(request.custom)
            self.dependencies[urn] = tuple(request.dependencies)
            self.ignore_changes[urn] = tuple(request.ignoreChanges)
            self.order.append(urn)
        return response


class _WarningCatcher:
    """Collects pulumi.log.warn messages (the mock engine sends them to the `logging` module)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, msg: str, *args: Any) -> None:
        pass

    def info(self, msg: str, *args: Any) -> None:
        pass

    def warning(self, msg: str, *args: Any) -> None:
        self.messages.append(msg)

    def error(self, msg: str, *args: Any) -> None:
        self.messages.append(msg)


def config_values(namespace: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi's flat `namespace:key` → string map from plain values (lists and maps as JSON)."""
    flat: dict[str, str] = {}
    for key, value in values.items():
        full_key = key if ":" in key else f"{namespace}:{key}"
        flat[full_key] = value if isinstance(value, str) else json.dumps(value)
    return flat


def record_program(
    program: Callable[[], object],
    config: Mapping[str, Any],
    *,
    project: str = CONFIG_NAMESPACE,
    stack: str = "test",
    account_id: str = DEFAULT_ACCOUNT_ID,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> RecordedStack:
    """Evaluate `program` under recording mocks with `config` and return what it registered.

    `config` maps keys to values; keys without a namespace belong to `root-activity-monitor`, and
    `aws:region` sets the default region. Errors the program raises propagate unchanged.
    """
    flat = config_values(project, config)
    region = flat.get("aws:region", DEFAULT_REGION)
    mocks = RecordingMocks(account_id=account_id, default_region=region, stack_outputs=stack_outputs)
    monitor = RecordingMonitor(mocks)
    catcher = _WarningCatcher()
    global _idle_loop  # noqa: PLW0603 - replaced under _RUN_LOCK by each evaluation
    with _RUN_LOCK:
        # Each evaluation gets its own event loop: a failed one leaves tasks behind (registrations still
        # waiting on the Output that raised) that would otherwise fail the next evaluation.
        loop = asyncio.new_event_loop()
        # Those left-behind Outputs hold the error the program already raised; when they are garbage
        # collected the default handler would log it again with a formatted traceback, at whatever
        # point the collector runs (inside `ast.parse`, that trips a CPython 3.11 recursion check).
        loop.set_exception_handler(_ignore_unretrieved_errors)
        asyncio.set_event_loop(loop)
        if _idle_loop is not None and not _idle_loop.is_running():
            _idle_loop.close()
        pulumi_settings.ROOT.set(None)
        pulumi.runtime.set_all_config(flat, [])
        pulumi.runtime.set_mocks(
            mocks,
            project=project,
            stack=stack,
            preview=False,
            monitor=monitor,
            logger=catcher,  # type: ignore[arg-type]
        )
        root = pulumi_settings.get_root_resource()

        def run() -> None:
            program()

        _forget_pending_work()
        try:
            _sync_await(run_pulumi_func(run))
            exports = _resolve_exports(root)
        except BaseException:
            _discard_pending_tasks(loop)
            gc.collect()  # finalise the failed run's Outputs now, at a known point
            raise
        finally:
            _discard_pending_tasks(loop)
            for thread_loop in monitor.thread_loops:
                thread_loop.close()
            _idle_loop = asyncio.new_event_loop()
            asyncio.set_event_loop(_idle_loop)
            _forget_pending_work()
            pulumi_settings.ROOT.set(None)
    recorded = RecordedStack(
        project=project, stack=stack, account_id=account_id, default_region=region, warnings=catcher.messages
    )
    for urn in monitor.order + monitor.read_order:
        registration = monitor.resources.get(urn)
        outputs = dict(registration.state) if registration is not None else {}
        type_token, name = urn.split("::")[-2].split("$")[-1], urn.split("::")[-1]
        (recorded.resources if urn in monitor.order else recorded.reads).append(
            RecordedResource(
                type=type_token,
                name=name,
                urn=urn,
                parent_urn=monitor.parents.get(urn),
                custom=monitor.custom.get(urn, False),
                inputs=monitor.inputs[urn],
                outputs=outputs,
                region=str(outputs.get("region") or monitor.inputs[urn].get("region") or region),
                dependencies=monitor.dependencies.get(urn, ()),
                ignore_changes=monitor.ignore_changes.get(urn, ()),
            )
        )
    recorded.exports = exports
    return recorded


def _resolve_exports(root: Any) -> dict[str, Any]:
    if root is None:
        return {}
    resolved: dict[str, Any] = {}
    for key, value in root.outputs.items():
        output = pulumi.Output.from_input(value)
        resolved[key] = _sync_await(output.future())
    return resolved


def _discard_pending_tasks(loop: asyncio.AbstractEventLoop) -> None:
    if loop.is_closed():
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    # Joins the executor's threads: none is still inside the monitor when their loops are closed.
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def _ignore_unretrieved_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    if "never retrieved" in str(context.get("message", "")):
        return
    loop.default_exception_handler(context)


def _forget_pending_work() -> None:
    """Drop the RPCs, tracked Outputs and error a previous (failed) evaluation left in Pulumi's globals."""
    pulumi_settings._get_rpc_manager().clear()
    with pulumi_settings.SETTINGS.lock:
        pulumi_settings.SETTINGS.outputs.clear()
