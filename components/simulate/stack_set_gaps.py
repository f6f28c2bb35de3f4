"""Where moto's CloudFormation departs from CloudFormation for the spoke template; corrected from it.

Probed with moto 5.2 on the generated template (stack instances of a SERVICE_MANAGED StackSet):
- moto has no `AWS::SQS::QueuePolicy`: the dead-letter queue is created without its policy, so EventBridge
  could never write to it. The replay sets the template's policy on the queue.
- moto stores the inline policies of an `AWS::IAM::Role` (`Policies`) as Python reprs of the resolved dict
  (single quotes), which no IAM reader parses. The replay puts each policy again as JSON.
- moto keeps what matters otherwise: the rule's state and pattern, its target's `RoleArn`,
  `DeadLetterConfig` and `RetryPolicy`, the role's trust policy, the queue's encryption, and it evaluates
  `Conditions` (the hub account, where `IsNotHubAccount` is false, gets no resources).
- moto deploys to the management account when it sits in a targeted parent; handled in `stack_sets`.
Physical resources are found from what moto holds: each rule by the template's name, and through the
rule's target the role and queue that `Fn::GetAtt` named.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..arns import queue_url
from .accounts import AwsAccounts

_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class _Resolver:
    """Resolves Ref, Fn::GetAtt and Fn::Sub against known physical values; fails on anything else."""

    def __init__(self, refs: Mapping[str, str], attributes: Mapping[tuple[str, str], str]) -> None:
        self._refs = refs
        self._attributes = attributes

    def _variable(self, name: str) -> str:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self._attributes[(logical, attribute)]
        return self._refs[name]

    def __call__(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"}:
            return self._refs[node["Ref"]]
        if set(node) == {"Fn::GetAtt"}:
            logical, attribute = node["Fn::GetAtt"]
            return self._attributes[(logical, attribute)]
        if set(node) == {"Fn::Sub"}:
            return _SUB_VARIABLE.sub(lambda match: self._variable(match[1]), node["Fn::Sub"])
        return {key: self(value) for key, value in node.items()}


def _of_type(template: Mapping[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_name}


def _get_att_logical_id(value: Any) -> str | None:
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    return None


def correct_instance(
    aws: AwsAccounts, template: Mapping[str, Any], account: str, region: str, parameters: Mapping[str, str]
) -> tuple[str, ...]:
    """Correct moto's gaps in one stack instance; returns the physical resources the template created."""
    refs: dict[str, str] = {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::Partition": "aws",
        **parameters,
    }
    attributes: dict[tuple[str, str], str] = {}
    found: list[str] = []
    events = aws.events(account, region)
    for logical_id, rule in _of_type(template, "AWS::Events::Rule").items():
        name = str(rule["Properties"]["Name"])
        try:
            arn = events.describe_rule(Name=name)["Arn"]
        except events.exceptions.ResourceNotFoundException:
            continue  # the template's condition left it out here (the hub account)
        found.append(f"rule {name}")
        attributes[(logical_id, "Arn")] = arn
        held: dict[str, dict[str, Any]] = {
            t["Id"]: dict(t) for t in events.list_targets_by_rule(Rule=name)["Targets"]
        }
        for target in rule["Properties"].get("Targets", []):
            moto_target = held.get(target["Id"], {})
            role_id = _get_att_logical_id(target.get("RoleArn"))
            if role_id and moto_target.get("RoleArn"):
                role_arn = str(moto_target["RoleArn"])
                attributes[(role_id, "Arn")] = role_arn
                refs[role_id] = role_arn.rsplit("/", 1)[-1]
            queue_id = _get_att_logical_id((target.get("DeadLetterConfig") or {}).get("Arn"))
            if queue_id and moto_target.get("DeadLetterConfig"):
                queue_arn = str(moto_target["DeadLetterConfig"]["Arn"])
                attributes[(queue_id, "Arn")] = queue_arn
                refs[queue_id] = queue_url(queue_arn)
    if not found:
        return ()  # the template's condition created nothing here (the hub account)
    resolve = _Resolver(refs, attributes)
    for logical_id, policy in _of_type(template, "AWS::SQS::QueuePolicy").items():
        properties = resolve(policy["Properties"])
        for url in properties["Queues"]:
            aws.sqs(account, region).set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(properties["PolicyDocument"])}
            )
            found.append(f"queue {url.rsplit('/', 1)[-1]} with policy {logical_id}")
    for logical_id, role in _of_type(template, "AWS::IAM::Role").items():
        if logical_id not in refs:
            continue  # no rule of this instance names the role
        for inline in role["Properties"].get("Policies", []):
            aws.iam(account).put_role_policy(
                RoleName=refs[logical_id],
                PolicyName=str(inline["PolicyName"]),
                PolicyDocument=json.dumps(resolve(inline["PolicyDocument"])),
            )
        found.append(f"role {refs[logical_id]}")
    return tuple(found)
