"""The replay's IAM evaluation, case by case: each row names the AWS rule it encodes.

The rules: IAM's policy evaluation logic (explicit Deny > Allow > implicit deny), the
Principal element, the condition operators (absent keys, negated operators, ...IfExists, ARN matching) and
the Action and Resource elements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from root_activity_monitor.heartbeat_policies import SCHEDULER_SERVICE, scheduler_assume_role_policy
from root_activity_monitor.simulate.iam import Caller, Decision, evaluate, service_may_assume

HUB = "111111111111"
SPOKE = "222222222222"
OTHER = "333333333333"
ORG = "o-a1b2c3d4e5"
BUS = f"arn:aws:events:eu-west-1:{HUB}:event-bus/root-activity-monitor"
QUEUE = f"arn:aws:sqs:eu-west-1:{HUB}:root-activity-buffer"
RULE = f"arn:aws:events:eu-west-1:{SPOKE}:rule/root-activity-forward"
ROLE = f"arn:aws:iam::{SPOKE}:role/root-activity-forwarder"
EVENTS = "events.amazonaws.com"

Statement = dict[str, Any]


def allow(**fields: Any) -> Statement:
    return {"Effect": "Allow", **fields}


def deny(**fields: Any) -> Statement:
    return {"Effect": "Deny", **fields}


def policy(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def put_events(condition: dict[str, Any] | None = None, principal: Any = "*") -> Statement:
    """Allow PutEvents on the hub bus to `principal`, optionally under a condition."""
    statement = allow(Principal=principal, Action="events:PutEvents", Resource=BUS)
    return statement if condition is None else {**statement, "Condition": condition}


def send_from_events(condition: dict[str, Any]) -> Statement:
    """Allow EventBridge to send to the buffer queue under a condition."""
    return allow(Principal={"Service": EVENTS}, Action="sqs:SendMessage", Resource=QUEUE, Condition=condition)


def send_to_queue(resource: str) -> Statement:
    """An identity-policy statement letting its role send to `resource`."""
    return allow(Action="sqs:SendMessage", Resource=resource)


@dataclass(frozen=True)
class Case:
    documents: list[Any]
    caller: Caller
    allowed: bool
    action: str = "events:PutEvents"
    resource: str = BUS
    resource_based: bool = True
    unsupported: list[str] = field(default_factory=list)


SPOKE_ACCOUNT = Caller(account_id=SPOKE)
SPOKE_ROLE = Caller(account_id=SPOKE, arn=ROLE, context={"aws:PrincipalOrgID": ORG})
EVENTS_FOR_RULE = Caller(service=EVENTS, context={"aws:SourceArn": RULE, "aws:SourceAccount": SPOKE})
IDENTITY = Caller()


def in_org(org: str | None) -> Caller:
    return Caller(account_id=SPOKE, arn=ROLE, context={} if org is None else {"aws:PrincipalOrgID": org})


def from_source(arn: str | None = RULE, account: str | None = SPOKE) -> Caller:
    context = {"aws:SourceArn": arn, "aws:SourceAccount": account}
    return Caller(service=EVENTS, context={k: v for k, v in context.items() if v is not None})


def sending(condition: dict[str, Any], caller: Caller, allowed: bool, **extra: Any) -> Case:
    return Case(
        [policy(send_from_events(condition))],
        caller,
        allowed,
        action="sqs:SendMessage",
        resource=QUEUE,
        **extra,
    )


def identity(statement: Statement, resource: str, allowed: bool) -> Case:
    """A role's own policy deciding whether it may send to `resource`."""
    return Case(
        [policy(statement)],
        IDENTITY,
        allowed,
        action="sqs:SendMessage",
        resource=resource,
        resource_based=False,
    )


OUTSIDE_ORG_DENIED = deny(
    Principal="*",
    Action="events:PutEvents",
    Resource=BUS,
    Condition={"StringNotEquals": {"aws:PrincipalOrgID": ORG}},
)
CASES: dict[str, Case] = {
    # Policy evaluation logic: explicit Deny > explicit Allow > implicit deny.
    "implicit-deny: a policy with no statements allows nothing (IAM policy evaluation logic)": Case(
        [policy()], SPOKE_ACCOUNT, allowed=False
    ),
    "implicit-deny: no policy at all allows nothing (IAM policy evaluation logic)": Case(
        [None, ""], SPOKE_ACCOUNT, allowed=False
    ),
    "explicit-allow: a matching Allow grants the request (IAM policy evaluation logic)": Case(
        [policy(put_events())], SPOKE_ACCOUNT, allowed=True
    ),
    "explicit-deny-overrides-allow in the same policy (IAM policy evaluation logic)": Case(
        [policy(put_events(), deny(Principal="*", Action="events:PutEvents", Resource=BUS))],
        SPOKE_ACCOUNT,
        allowed=False,
    ),
    "explicit-deny-overrides-allow across policies, whatever their order (IAM policy evaluation logic)": Case(
        [policy(deny(Principal="*", Action="events:*", Resource="*")), policy(put_events())],
        SPOKE_ACCOUNT,
        allowed=False,
    ),
    "a Deny for another action leaves the Allow standing (a statement applies only to its actions)": Case(
        [policy(put_events(), deny(Principal="*", Action="events:DeleteEventBus", Resource=BUS))],
        SPOKE_ACCOUNT,
        allowed=True,
    ),
    "a policy given as JSON text is the same policy (policy documents are JSON)": Case(
        [json.dumps(policy(put_events()))], SPOKE_ACCOUNT, allowed=True
    ),
    "Statement may be a single object rather than a list (Statement element)": Case(
        [{"Statement": put_events()}], SPOKE_ACCOUNT, allowed=True
    ),
    # Principal element.
    'principal "*" matches every principal (Principal element: all principals)': Case(
        [policy(put_events())], SPOKE_ACCOUNT, allowed=True
    ),
    'principal "*" matches a service principal too (Principal element: all principals)': Case(
        [policy(put_events())], Caller(service=EVENTS), allowed=True
    ),
    'principal {"AWS": "*"} matches any account principal (Principal element: all principals)': Case(
        [policy(put_events(principal={"AWS": "*"}))], SPOKE_ACCOUNT, allowed=True
    ),
    'principal {"AWS": "*"} does not admit service principals (Principal element: all principals)': Case(
        [policy(put_events(principal={"AWS": "*"}))], Caller(service=EVENTS), allowed=False
    ),
    "an account ID stands for the whole account (Principal element: AWS account principals)": Case(
        [policy(put_events(principal={"AWS": SPOKE}))], SPOKE_ACCOUNT, allowed=True
    ),
    "arn:aws:iam::ACCOUNT:root stands for the whole account (Principal element: AWS account principals)": (
        Case([policy(put_events(principal={"AWS": f"arn:aws:iam::{SPOKE}:root"}))], SPOKE_ACCOUNT, True)
    ),
    "an account principal covers a role of that account (Principal element: AWS account principals)": Case(
        [policy(put_events(principal={"AWS": f"arn:aws:iam::{SPOKE}:root"}))], SPOKE_ROLE, allowed=True
    ),
    "an account principal does not cover another account (Principal element: AWS account principals)": Case(
        [policy(put_events(principal={"AWS": [HUB, f"arn:aws:iam::{SPOKE}:root"]}))],
        Caller(account_id=OTHER),
        allowed=False,
    ),
    "any listed principal may match (Principal element: a list of principals)": Case(
        [policy(put_events(principal={"AWS": [f"arn:aws:iam::{OTHER}:root", SPOKE]}))],
        SPOKE_ACCOUNT,
        allowed=True,
    ),
    "a role ARN matches that role (Principal element: IAM role principals)": Case(
        [policy(put_events(principal={"AWS": ROLE}))], SPOKE_ROLE, allowed=True
    ),
    "a role ARN does not match its account's other senders (Principal element: IAM role principals)": Case(
        [policy(put_events(principal={"AWS": ROLE}))], SPOKE_ACCOUNT, allowed=False
    ),
    "a wildcard is no pattern inside a principal ARN (Principal element: no partial wildcards)": Case(
        [policy(put_events(principal={"AWS": f"arn:aws:iam::{SPOKE}:role/*"}))], SPOKE_ROLE, allowed=False
    ),
    "a Service principal matches that service (Principal element: AWS service principals)": Case(
        [policy(put_events(principal={"Service": EVENTS}))], Caller(service=EVENTS), allowed=True
    ),
    "a Service principal does not match another service (Principal element: AWS service principals)": Case(
        [policy(put_events(principal={"Service": EVENTS}))], Caller(service="sns.amazonaws.com"), False
    ),
    "a Service principal does not match an account (Principal element: AWS service principals)": Case(
        [policy(put_events(principal={"Service": EVENTS}))], SPOKE_ACCOUNT, allowed=False
    ),
    "an account principal does not match a service (Principal element: AWS service principals)": Case(
        [policy(put_events(principal={"AWS": SPOKE}))], Caller(account_id=SPOKE, service=EVENTS), False
    ),
    # Identity-based vs resource-based policies.
    "an identity policy applies to its own identity without a Principal (identity-based policies)": (
        identity(send_to_queue(QUEUE), QUEUE, allowed=True)
    ),
    "a resource policy statement without a Principal grants no one (resource-based policies)": Case(
        [policy(send_to_queue(QUEUE))], SPOKE_ACCOUNT, False, action="sqs:SendMessage", resource=QUEUE
    ),
    "a trust policy names no Resource: it is the role itself (role trust policies)": Case(
        [policy(allow(Principal={"Service": EVENTS}, Action="sts:AssumeRole"))],
        EVENTS_FOR_RULE,
        True,
        action="sts:AssumeRole",
        resource=ROLE,
    ),
    # aws:PrincipalOrgID.
    "aws:PrincipalOrgID admits a principal of the organization (global condition keys)": Case(
        [policy(put_events({"StringEquals": {"aws:PrincipalOrgID": ORG}}))], in_org(ORG), allowed=True
    ),
    "aws:PrincipalOrgID refuses another organization (global condition keys)": Case(
        [policy(put_events({"StringEquals": {"aws:PrincipalOrgID": ORG}}))], in_org("o-zz9"), False
    ),
    "aws:PrincipalOrgID absent from the request fails the condition (condition keys absent from context)": (
        Case([policy(put_events({"StringEquals": {"aws:PrincipalOrgID": ORG}}))], in_org(None), False)
    ),
    "StringEquals is case-sensitive (string condition operators)": Case(
        [policy(put_events({"StringEquals": {"aws:PrincipalOrgID": ORG.upper()}}))], in_org(ORG), False
    ),
    "condition key names are not case-sensitive (Condition element)": Case(
        [policy(put_events({"StringEquals": {"AWS:principalorgid": ORG}}))], in_org(ORG), allowed=True
    ),
    # aws:SourceArn with the ARN operators.
    "ArnEquals admits the named rule (ARN condition operators, aws:SourceArn)": sending(
        {"ArnEquals": {"aws:SourceArn": RULE}}, from_source(), allowed=True
    ),
    "ArnEquals refuses another rule (ARN condition operators, aws:SourceArn)": sending(
        {"ArnEquals": {"aws:SourceArn": RULE}}, from_source(f"{RULE}-2"), allowed=False
    ),
    "ArnLike * matches within one part of the ARN (ARN condition operators)": sending(
        {"ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{SPOKE}:rule/*"}}, from_source(), allowed=True
    ),
    "ArnLike ? matches exactly one character (ARN condition operators)": sending(
        {"ArnLike": {"aws:SourceArn": f"arn:aws:events:eu-west-?:{SPOKE}:rule/root-activity-forwar?"}},
        from_source(),
        allowed=True,
    ),
    "ArnLike ? does not match two characters (ARN condition operators)": sending(
        {"ArnLike": {"aws:SourceArn": f"arn:aws:events:eu-west-?:{SPOKE}:rule/root-activity-forwa?"}},
        from_source(),
        allowed=False,
    ),
    "ArnEquals takes wildcards too: it behaves as ArnLike (ARN condition operators)": sending(
        {"ArnEquals": {"aws:SourceArn": f"arn:aws:events:eu-west-1:{SPOKE}:rule/*"}}, from_source(), True
    ),
    "an ARN wildcard does not span the parts of the ARN (ARN condition operators)": sending(
        {"ArnLike": {"aws:SourceArn": "arn:aws:events:*"}}, from_source(), allowed=False
    ),
    "an ARN wildcard in the resource part spans its colons (ARN condition operators)": sending(
        {"ArnLike": {"aws:SourceArn": f"arn:aws:logs:eu-west-1:{SPOKE}:log-group:*"}},
        from_source(f"arn:aws:logs:eu-west-1:{SPOKE}:log-group:root:log-stream:s"),
        allowed=True,
    ),
    "ARN matching is case-sensitive (ARN condition operators)": sending(
        {"ArnEquals": {"aws:SourceArn": RULE.replace("root-activity", "Root-Activity")}}, from_source(), False
    ),
    "aws:SourceArn absent from the request fails ArnEquals (condition keys absent from context)": sending(
        {"ArnEquals": {"aws:SourceArn": RULE}}, from_source(arn=None), allowed=False
    ),
    # aws:SourceAccount, several values, several keys and operators.
    "aws:SourceAccount StringEquals admits the account (global condition keys)": sending(
        {"StringEquals": {"aws:SourceAccount": SPOKE}}, from_source(), allowed=True
    ),
    "aws:SourceAccount StringEquals refuses another account (global condition keys)": sending(
        {"StringEquals": {"aws:SourceAccount": SPOKE}}, from_source(account=OTHER), allowed=False
    ),
    "several values for one key match if any matches (Condition element: OR of values)": sending(
        {"StringEquals": {"aws:SourceAccount": [OTHER, SPOKE]}}, from_source(), allowed=True
    ),
    "several keys must all match (Condition element: AND of keys)": sending(
        {"StringEquals": {"aws:SourceAccount": SPOKE, "aws:SourceArn": f"{RULE}-2"}}, from_source(), False
    ),
    "several operators must all match (Condition element: AND of operators)": sending(
        {"StringEquals": {"aws:SourceAccount": SPOKE}, "ArnEquals": {"aws:SourceArn": f"{RULE}-2"}},
        from_source(),
        allowed=False,
    ),
    "StringLike takes * and ? (string condition operators)": sending(
        {"StringLike": {"aws:SourceAccount": "2222*22?"}}, from_source(), allowed=True
    ),
    "StringEquals reads * literally (string condition operators)": sending(
        {"StringEquals": {"aws:SourceAccount": "2222*"}}, from_source(), allowed=False
    ),
    # Negated operators.
    "StringNotEquals holds for another value (negated condition operators)": Case(
        [policy(put_events({"StringNotEquals": {"aws:PrincipalOrgID": "o-zz9"}}))], in_org(ORG), True
    ),
    "StringNotEquals fails on any listed value (negated condition operators)": Case(
        [policy(put_events({"StringNotEquals": {"aws:PrincipalOrgID": ["o-zz9", ORG]}}))], in_org(ORG), False
    ),
    "a negated operator holds when the key is absent (negated condition operators)": Case(
        [policy(put_events({"StringNotEquals": {"aws:PrincipalOrgID": "o-zz9"}}))], in_org(None), True
    ),
    "ArnNotLike fails for a matching ARN (negated condition operators)": sending(
        {"ArnNotLike": {"aws:SourceArn": f"arn:aws:events:*:{SPOKE}:rule/*"}}, from_source(), False
    ),
    "a Deny outside the organization blocks another organization (negated operator in a Deny)": Case(
        [policy(put_events(), OUTSIDE_ORG_DENIED)], in_org("o-zz9"), allowed=False
    ),
    "a Deny outside the organization blocks a sender with no organization (negated, key absent)": Case(
        [policy(put_events(), OUTSIDE_ORG_DENIED)], in_org(None), allowed=False
    ),
    "a Deny outside the organization lets a member through (negated operator in a Deny)": Case(
        [policy(put_events(), OUTSIDE_ORG_DENIED)], in_org(ORG), allowed=True
    ),
    # ...IfExists.
    "...IfExists holds when the key is absent (IfExists condition operators)": sending(
        {"StringEqualsIfExists": {"aws:SourceAccount": SPOKE}}, from_source(account=None), allowed=True
    ),
    "...IfExists compares a present key as usual (IfExists condition operators)": sending(
        {"StringEqualsIfExists": {"aws:SourceAccount": SPOKE}}, from_source(account=OTHER), allowed=False
    ),
    "ArnLikeIfExists admits a matching present key (IfExists condition operators)": sending(
        {"ArnLikeIfExists": {"aws:SourceArn": f"arn:aws:events:*:{SPOKE}:rule/*"}}, from_source(), True
    ),
    # Operators the replay does not evaluate.
    "an Allow under an unknown operator does not apply, and says so (replay: never grant by accident)": Case(
        [policy(put_events({"Bool": {"aws:SecureTransport": "true"}}))],
        SPOKE_ACCOUNT,
        allowed=False,
        unsupported=["Bool"],
    ),
    "an unknown operator is reported by its full name (replay: IfExists and set prefixes)": Case(
        [
            policy(
                put_events(
                    {"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}
                    | {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": ORG}}
                )
            )
        ],
        SPOKE_ACCOUNT,
        allowed=False,
        unsupported=["NumericLessThanIfExists", "ForAnyValue:StringEquals"],
    ),
    "a Deny under an unknown operator is taken to apply (replay: never grant by accident)": Case(
        [policy(put_events(), deny(Principal="*", Action="events:*", Resource=BUS, Condition={"Null": {}}))],
        SPOKE_ACCOUNT,
        allowed=False,
        unsupported=["Null"],
    ),
    "a Deny whose known condition fails does not apply, whatever its unknown one (Condition: AND)": Case(
        [
            policy(
                put_events(),
                deny(
                    Principal="*",
                    Action="events:*",
                    Resource=BUS,
                    Condition={"StringEquals": {"aws:PrincipalOrgID": "o-zz9"}, "Null": {}},
                ),
            )
        ],
        in_org(ORG),
        allowed=True,
        unsupported=["Null"],
    ),
    # Action element.
    "service:* matches every action of the service (Action element: wildcards)": Case(
        [policy(allow(Principal="*", Action="events:*", Resource=BUS))], SPOKE_ACCOUNT, allowed=True
    ),
    "service:* does not match another service (Action element: wildcards)": Case(
        [policy(allow(Principal="*", Action="sqs:*", Resource="*"))], SPOKE_ACCOUNT, allowed=False
    ),
    "? in an action matches one character (Action element: wildcards)": identity(
        send_to_queue(QUEUE) | {"Action": ["sns:Publish", "sqs:SendMessag?"]}, QUEUE, allowed=True
    ),
    "? in an action does not match several (Action element: wildcards)": identity(
        send_to_queue(QUEUE) | {"Action": "sqs:Send?"}, QUEUE, allowed=False
    ),
    "action names are not case-sensitive (Action element)": identity(
        send_to_queue(QUEUE) | {"Action": "SQS:sendmessage"}, QUEUE, allowed=True
    ),
    "a Deny with NotAction refuses every action it does not list (NotAction element)": Case(
        [policy(put_events(), deny(Principal="*", NotAction=["events:Describe*"], Resource=BUS))],
        SPOKE_ACCOUNT,
        allowed=False,
    ),
    "a Deny with NotAction leaves the actions it lists alone (NotAction element)": Case(
        [policy(put_events(), deny(Principal="*", NotAction=["events:Put*"], Resource=BUS))],
        SPOKE_ACCOUNT,
        allowed=True,
    ),
    # Resource element.
    'Resource "*" matches every resource (Resource element: wildcards)': identity(
        send_to_queue("*"), QUEUE, allowed=True
    ),
    "* in a resource ARN matches the rest of a name (Resource element: wildcards)": identity(
        send_to_queue(f"arn:aws:sqs:*:{HUB}:root-activity-*"), QUEUE, allowed=True
    ),
    "? in a resource ARN matches one character (Resource element: wildcards)": identity(
        send_to_queue(f"arn:aws:sqs:eu-west-?:{HUB}:root-activity-buffe?"), QUEUE, allowed=True
    ),
    "resource ARNs are case-sensitive (Resource element)": identity(
        send_to_queue(QUEUE.replace("root-activity-buffer", "Root-Activity-Buffer")), QUEUE, allowed=False
    ),
    "[ in a resource is a plain character, not a set (Resource element: only * and ? are wildcards)": (
        identity(send_to_queue(f"{QUEUE[:-1]}[rs]"), QUEUE, allowed=False)
    ),
    "a resource outside the statement's is not granted (Resource element)": identity(
        send_to_queue(QUEUE), f"{QUEUE}-dlq", allowed=False
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_evaluation_follows_the_aws_rule_the_case_names(case: Case) -> None:
    """GIVEN the policies and a caller WHEN evaluated THEN the decision is the one AWS's rule gives."""
    decision = evaluate(
        case.documents,
        action=case.action,
        resource=case.resource,
        caller=case.caller,
        resource_based=case.resource_based,
    )
    assert decision == Decision(allowed=case.allowed, unsupported=case.unsupported)


SCHEDULE = f"arn:aws:scheduler:eu-west-1:{SPOKE}:schedule/default/root-activity-heartbeat"


@pytest.mark.parametrize(
    ("trust", "service", "source_account", "allowed"),
    [
        pytest.param(scheduler_assume_role_policy(SPOKE), SCHEDULER_SERVICE, SPOKE, True, id="own-schedule"),
        pytest.param(
            json.dumps(scheduler_assume_role_policy(SPOKE)), SCHEDULER_SERVICE, SPOKE, True, id="as-text"
        ),
        pytest.param(
            scheduler_assume_role_policy(SPOKE), SCHEDULER_SERVICE, OTHER, False, id="confused-deputy"
        ),
        pytest.param(scheduler_assume_role_policy(SPOKE), EVENTS, SPOKE, False, id="other-service"),
    ],
)
def test_a_service_assumes_a_role_only_as_its_trust_policy_says(
    trust: Any, service: str, source_account: str, allowed: bool
) -> None:
    """GIVEN the project's Scheduler trust policy for one account WHEN a service acting for a schedule asks to
    assume the role THEN only Scheduler, acting for that account, may (aws:SourceAccount guards against
    a confused deputy)."""
    schedule = SCHEDULE.replace(SPOKE, source_account)
    assert (
        service_may_assume(
            trust, role_arn=ROLE, service=service, source_account=source_account, source_arn=schedule
        )
        is allowed
    )
