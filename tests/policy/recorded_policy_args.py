"""The arguments the policy SDK gives validate functions, built from a recorded graph instead of the engine.

pulumi_policy's analyzer (policy.py, `Analyze` and `AnalyzeStack`) deserializes a resource's properties, wraps
them in `unknown_checking_proxy` and passes them as `props`: a resource policy gets the inputs, a stack
policy the outputs of every resource, each with its options and provider. The recording mocks keep both,
keyed by the same camelCase names, so the same objects are built here; the provider is the stack's default
AWS provider, whose only property the policies read is `region`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy
from root_activity_monitor.simulate import RecordedResource, RecordedStack

AWS_PROVIDER = "pulumi:providers:aws"


def _options(resource: RecordedResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=False,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent_urn,
    )


def _provider(stack: RecordedStack) -> PolicyProviderResource:
    urn = f"urn:pulumi:{stack.stack}::{stack.project}::{AWS_PROVIDER}::default"
    return PolicyProviderResource(AWS_PROVIDER, {"region": stack.default_region}, urn, "default")


def resource_args(stack: RecordedStack, resource: RecordedResource) -> ResourceValidationArgs:
    """What `Analyze` passes a resource policy: the resource's inputs behind the unknown-checking proxy."""
    props = unknown_checking_proxy(copy.deepcopy(resource.inputs))
    return ResourceValidationArgs(
        resource.type, props, resource.urn, resource.name, _options(resource), _provider(stack)
    )


def stack_args(stack: RecordedStack) -> StackValidationArgs:
    """What `AnalyzeStack` passes a stack policy: every resource's outputs, linked to parents and deps."""
    provider = _provider(stack)
    by_urn = {
        resource.urn: PolicyResource(
            resource.type,
            unknown_checking_proxy(copy.deepcopy(resource.outputs)),
            resource.urn,
            resource.name,
            _options(resource),
            provider,
            None,
            [],
            {},
        )
        for resource in stack.resources
    }
    for resource in stack.resources:
        linked = by_urn[resource.urn]
        linked.parent = by_urn.get(resource.parent_urn or "")
        linked.dependencies = [by_urn[urn] for urn in resource.dependencies if urn in by_urn]
    return StackValidationArgs(list(by_urn.values()))


def violations(policy: Policy, stack: RecordedStack) -> list[tuple[str | None, str]]:
    """(resource name or None for the stack, message) of every violation `policy` reports on `stack`."""
    found: list[tuple[str | None, str]] = []
    if isinstance(policy, StackValidationPolicy):

        def report_on_stack(message: str, urn: str | None = None) -> None:
            found.append((stack.by_urn(urn).name if urn else None, message))

        policy.validate(stack_args(stack), report_on_stack)
        return found
    assert isinstance(policy, ResourceValidationPolicy)
    for resource in stack.resources:

        def report(message: str, urn: str | None = None, name: str = resource.name) -> None:
            found.append((name, message))

        policy.validate(resource_args(stack, resource), report)
    return found


def with_resource(stack: RecordedStack, old: RecordedResource, new: RecordedResource) -> RecordedStack:
    """A copy of `stack` in which `old` is replaced by `new`."""
    assert old in stack.resources, f"{old.name} is not in the stack"
    resources = [new if resource is old else resource for resource in stack.resources]
    return dataclasses.replace(stack, resources=resources)


def mutated(
    stack: RecordedStack,
    resource: RecordedResource,
    *,
    inputs: Mapping[str, Any] | None = None,
    outputs: Mapping[str, Any] | None = None,
    drop: Iterable[str] = (),
) -> RecordedStack:
    """`stack` with one resource's inputs and outputs copied, keys in `drop` removed, the given ones set."""
    new_inputs = {key: value for key, value in copy.deepcopy(resource.inputs).items() if key not in drop}
    new_outputs = {key: value for key, value in copy.deepcopy(resource.outputs).items() if key not in drop}
    new_inputs.update(inputs or {})
    new_outputs.update(inputs or {})
    new_outputs.update(outputs or {})
    return with_resource(
        stack, resource, dataclasses.replace(resource, inputs=new_inputs, outputs=new_outputs)
    )
