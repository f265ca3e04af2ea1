"""Resource-based policies of tables and their streams: PutResourcePolicy, GetResourcePolicy,
DeleteResourcePolicy (with ``ExpectedRevisionId``, ``NO_POLICY`` included), CreateTable's
``ResourcePolicy``, and the lookup through which request authorization weighs a table's policy
(another account's access, explicit denies). A policy is kept in its table's definition, by the
ARN it is attached to, with its revision id."""

from __future__ import annotations

from typing import Any

from awsmock.auth.policy import names_everyone
from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from .errors import DynamoValidation, PolicyNotFound, ResourceNotFound, invalid
from .schema import TableInfo, arn_of, find_table, save_spec, table_path_of

#: the largest policy document DynamoDB takes
MAX_POLICY_BYTES = 20 * 1024
#: ``ExpectedRevisionId`` asking that no policy be attached yet
NO_POLICY = "NO_POLICY"


def _target(ctx: RequestContext, arn: str) -> TableInfo:
    """The table ``arn`` names, itself or its current stream, in the caller's account and region."""
    if not arn.startswith("arn:"):
        raise invalid(f"ARNs must start with 'arn:': {arn}")
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != "dynamodb":
        raise invalid(f"Provided Arn is not a DynamoDB resource arn: {arn}")
    path = table_path_of(arn)
    if path is None or len(path) not in (1, 3) or (len(path) == 3 and path[1] != "stream"):
        raise invalid(
            f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}"
        )
    if parsed.region != ctx.region or parsed.partition != arns.partition_of(ctx.region):
        raise invalid(f"Invalid resource Arn: {arn}")
    if parsed.account != ctx.account_id:
        raise DynamoValidation(
            "This action is only supported by accounts that match the resource owner\u2019s account."
        )
    info = find_table(ctx, path[0])
    if info is None or arn not in (arn_of(ctx, info.name), info.spec.get("LatestStreamArn")):
        raise ResourceNotFound(f"Requested resource not found: ResourcArn: {arn} not found")
    return info


def _policies(info: TableInfo) -> dict[str, Any]:
    return dict(info.spec.get("ResourcePolicies") or {})


def _invalid_document(detail: str) -> DynamoValidation:
    return invalid(f"Invalid policy document: {detail}")


def _checked(policy: str) -> str:
    """The policy, if DynamoDB takes it (AWS's words for what it refuses)."""
    if len(policy.encode()) > MAX_POLICY_BYTES:
        raise invalid(f"Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded")
    try:
        document = jsontext.guarded_loads(policy)
    except ValueError:
        raise _invalid_document("This policy contains invalid Json") from None
    if not isinstance(document, dict):
        raise _invalid_document("This policy contains invalid Json")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or not isinstance(statements, list):
        raise _invalid_document("Could not parse the policy: Statement is empty!")
    sids = [st.get("Sid") for st in statements if isinstance(st, dict) and st.get("Sid") is not None]
    if len(set(sids)) != len(sids):
        raise _invalid_document("The Statement Ids in the policy are not unique")
    for st in statements:
        if not isinstance(st, dict):
            raise _invalid_document("This policy contains invalid Json")
        if "Resource" not in st and "NotResource" not in st:
            raise _invalid_document("Missing required field Resource")
        if st.get("Effect") == "Allow" and names_everyone(st.get("Principal")) and not st.get("Condition"):
            raise DynamoValidation(
                "Resource-based policy grants unbounded access in one or more elements. Please revise "
                "the policy to ensure least-privilege form of access"
            )
    return policy


def _next_revision(ctx: RequestContext, previous: str | None) -> str:
    """Epoch milliseconds, as DynamoDB's revision ids read, always above the previous one."""
    now = int(ctx.now.timestamp() * 1000)
    return str(max(now, int(previous) + 1) if previous and previous.isdigit() else now)


def _not_found(arn: str) -> PolicyNotFound:
    return PolicyNotFound(f"Resource-based policy not found for the provided ResourceArn: {arn}")


def _check_expected(params: dict[str, Any], current: dict[str, Any] | None, arn: str) -> None:
    """``ExpectedRevisionId``: the attached policy's revision, or ``NO_POLICY`` for none."""
    expected = params.get("ExpectedRevisionId")
    if expected is None:
        return
    matches = current["RevisionId"] == expected if current is not None else expected == NO_POLICY
    if not matches:
        raise _not_found(arn)


def attach(ctx: RequestContext, info: TableInfo, arn: str, policy: str) -> TableInfo:
    """Attach ``policy`` to ``arn`` (the table or its stream); returns the table as it now is."""
    policies = _policies(info)
    previous = policies.get(arn)
    revision = _next_revision(ctx, previous["RevisionId"] if previous else None)
    policies[arn] = {"Policy": _checked(policy), "RevisionId": revision}
    return save_spec(ctx, info, {**info.spec, "ResourcePolicies": policies})


@handler("dynamodb", "PutResourcePolicy")
def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    info = _target(ctx, arn)
    _check_expected(params, _policies(info).get(arn), arn)
    return {"RevisionId": _policies(attach(ctx, info, arn, params["Policy"]))[arn]["RevisionId"]}


@handler("dynamodb", "GetResourcePolicy")
def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    current = _policies(_target(ctx, arn)).get(arn)
    if current is None:
        raise _not_found(arn)
    return {"Policy": current["Policy"], "RevisionId": current["RevisionId"]}


@handler("dynamodb", "DeleteResourcePolicy")
def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["ResourceArn"]
    info = _target(ctx, arn)
    policies = _policies(info)
    current = policies.pop(arn, None)
    if params.get("ExpectedRevisionId") is not None and (
        current is None or current["RevisionId"] != params["ExpectedRevisionId"]
    ):
        raise _not_found(arn)
    if current is None:  # idempotent
        return {}
    save_spec(ctx, info, {**info.spec, "ResourcePolicies": policies})
    return {"RevisionId": current["RevisionId"]}


def table_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the table a request names (``TableName``, a table's ``ResourceArn``), for
    request authorization; None when it names none."""
    name = params.get("TableName")
    if not isinstance(name, str):
        arn = params.get("ResourceArn")
        if not isinstance(arn, str) or table_path_of(arn) is None:
            return None
        name = arn
    info = find_table(ctx, name)
    if info is None:
        return None
    policy = _policies(info).get(arn_of(ctx, info.name))
    return ResourcePolicy(policy["Policy"] if policy else None, ctx.account_id)
