"""Run Command as records: SendCommand, ListCommands, ListCommandInvocations,
GetCommandInvocation, CancelCommand.

awsmock runs no agent, so a command is a record of what was asked: SendCommand checks what AWS
checks (the document exists and its version, the parameters against the document's declared
ones, instance ids well formed and not repeated) and records one invocation per named instance
(targets by tag match no instance: awsmock knows none). With no agent to wait for, what a user
polling for the outcome expects is an outcome: each invocation is recorded as delivered and
finished, ``Success`` with response code 0 and empty output, at the time it was sent, so
``GetCommandInvocation`` and the ``command_executed`` waiter answer at once. CancelCommand on a
finished command changes nothing, as on AWS.

A command is a row of the shared resource store (kind ``command``, id: the command id), its
invocations in its JSON.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, timedelta
from typing import Any

from dateutil import parser as dateparser

from awsmock.engine import pager, resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import documents
from .errors import (
    DuplicateInstanceId,
    InvalidCommandId,
    InvalidDocument,
    InvalidInstanceId,
    InvalidNextToken,
    InvalidParameters,
    InvocationDoesNotExist,
    ValidationException,
)

COMMANDS = resources.Kind(
    "ssm",
    "command",
    arn=lambda ctx, rid: ctx.arn("ssm", f"command/{rid}"),
    not_found=lambda rid: InvalidCommandId(
        "The specified command ID isn't valid. Verify the ID and try again."
    ),
)

_INSTANCE = re.compile(r"^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$")
SUCCESS = "Success"


def _plugins(version: dict[str, Any]) -> list[str]:
    parsed = documents.parse_content(version["Content"], version["Format"])
    steps = parsed.get("mainSteps")
    if isinstance(steps, list):
        return [str(s.get("name")) for s in steps if isinstance(s, dict) and s.get("name")] or [
            "aws:runShellScript"
        ]
    config = parsed.get("runtimeConfig")
    return [str(k) for k in config] if isinstance(config, dict) else ["aws:runShellScript"]


def _check_parameters(version: dict[str, Any], given: dict[str, Any]) -> dict[str, list[str]]:
    declared = {p["Name"]: p for p in version["Parameters"]}
    unknown = [name for name in given if name not in declared]
    if unknown:
        raise InvalidParameters(
            f"Parameters {unknown} are not defined in the document. You can only supply values to parameters "
            "defined in the SSM document."
        )
    missing = [name for name, p in declared.items() if "DefaultValue" not in p and name not in given]
    if missing:
        raise InvalidParameters(
            f"You must specify values for all required parameters in the SSM document: {', '.join(missing)}."
        )
    out: dict[str, list[str]] = {}
    for name, values in given.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidParameters(f"The values of parameter {name} must be a list of strings.")
        out[name] = values
    return out


def _command(ctx: RequestContext, row: Resource) -> dict[str, Any]:
    doc = row.document
    out = {k: v for k, v in doc.items() if k not in ("Invocations", "Plugins")}
    out["RequestedDateTime"] = row.created
    out["ExpiresAfter"] = row.created + timedelta(seconds=doc["TimeoutSeconds"])
    return out


@handler("ssm", "SendCommand")
def send_command(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    instances = [i for i in params.get("InstanceIds") or [] if isinstance(i, str)]
    targets = params.get("Targets") or []
    if not instances and not targets:
        raise ValidationException("Either InstanceIds or Targets must be specified.")
    if instances and targets:
        raise ValidationException("InstanceIds and Targets can't be specified together.")
    for instance in instances:
        if not _INSTANCE.match(instance):
            raise InvalidInstanceId(
                f"Instances [[{instance}]] not in a valid state for account {ctx.account_id}"
            )
    if len(set(instances)) != len(instances):
        raise DuplicateInstanceId("You can't specify a managed node ID in more than one association.")
    doc = documents.find(ctx, params["DocumentName"])
    if doc is None:
        raise InvalidDocument("The specified document does not exist.")
    version = documents.pick_version(doc, params.get("DocumentVersion"))
    given = _check_parameters(version, params.get("Parameters") or {})
    command_id = str(uuid.uuid4())
    timeout = params.get("TimeoutSeconds") or 3600
    invocations = [{"InstanceId": i, "Status": SUCCESS, "StatusDetails": SUCCESS} for i in instances]
    command: dict[str, Any] = {
        "CommandId": command_id,
        "DocumentName": doc["Name"],
        "DocumentVersion": version["DocumentVersion"],
        "Comment": params.get("Comment") or "",
        "Parameters": given,
        "InstanceIds": instances,
        "Targets": targets,
        "Status": SUCCESS,
        "StatusDetails": SUCCESS,
        "OutputS3Region": params.get("OutputS3Region") or ctx.region,
        "OutputS3BucketName": params.get("OutputS3BucketName") or "",
        "OutputS3KeyPrefix": params.get("OutputS3KeyPrefix") or "",
        "MaxConcurrency": params.get("MaxConcurrency") or "50",
        "MaxErrors": params.get("MaxErrors") or "0",
        "TargetCount": len(instances),
        "CompletedCount": len(instances),
        "ErrorCount": 0,
        "DeliveryTimedOutCount": 0,
        "TimeoutSeconds": timeout,
        "Invocations": invocations,
        "Plugins": _plugins(version),
    }
    for member in ("ServiceRoleArn", "NotificationConfig", "CloudWatchOutputConfig"):
        if params.get(member):
            command["ServiceRole" if member == "ServiceRoleArn" else member] = params[member]
    row = COMMANDS.create(ctx, rid=command_id, document=command, state=SUCCESS)
    return {"Command": _command(ctx, row)}


def _invalid_token(_token: str) -> InvalidNextToken:
    return InvalidNextToken()


def _filtered(row: Resource, filters: list[dict[str, Any]]) -> bool:
    for item in filters:
        key, value = item.get("key"), item.get("value")
        if not isinstance(value, str):
            raise ValidationException("A command filter needs a value.")
        doc = row.document
        if key == "Status" and doc["Status"] != value:
            return False
        if key == "DocumentName" and doc["DocumentName"] != value:
            return False
        if key in ("InvokedAfter", "InvokedBefore"):
            try:
                moment = dateparser.isoparse(value)
            except ValueError:
                raise ValidationException(f"Invalid filter value {value} for {key}.") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            if key == "InvokedAfter" and row.created < moment:
                return False
            if key == "InvokedBefore" and row.created > moment:
                return False
        if key == "ExecutionStage" and value != "Complete":
            return False
    return True


def _rows(ctx: RequestContext, params: dict[str, Any]) -> list[Resource]:
    if params.get("CommandId"):
        row = COMMANDS.find(ctx, params["CommandId"])
        if row is None:
            raise InvalidCommandId("The specified command ID isn't valid. Verify the ID and try again.")
        rows = [row]
    else:
        rows = COMMANDS.page(ctx, limit=100_000, token=None, invalid=_invalid_token, order="created").rows
    instance = params.get("InstanceId")
    if instance:
        rows = [r for r in rows if any(i["InstanceId"] == instance for i in r.document["Invocations"])]
    filters = params.get("Filters") or []
    return [r for r in rows if _filtered(r, filters)]


@handler("ssm", "ListCommands")
def list_commands(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(ctx, params)
    page = pager.page_list(
        rows,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("MaxResults") or 50,
        token=params.get("NextToken"),
        scope="ListCommands",
        invalid=_invalid_token,
    )
    out: dict[str, Any] = {"Commands": [_command(ctx, r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


def _invocation(ctx: RequestContext, row: Resource, item: dict[str, Any], details: bool) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {
        "CommandId": row.rid,
        "InstanceId": item["InstanceId"],
        "InstanceName": "",
        "Comment": doc["Comment"],
        "DocumentName": doc["DocumentName"],
        "DocumentVersion": doc["DocumentVersion"],
        "RequestedDateTime": row.created,
        "Status": item["Status"],
        "StatusDetails": item["StatusDetails"],
        "TraceOutput": "",
        "StandardOutputUrl": "",
        "StandardErrorUrl": "",
        "CommandPlugins": [],
    }
    if details:
        out["CommandPlugins"] = [
            {
                "Name": name,
                "Status": item["Status"],
                "StatusDetails": item["StatusDetails"],
                "ResponseCode": 0,
                "ResponseStartDateTime": row.created,
                "ResponseFinishDateTime": row.created,
                "Output": "",
                "StandardOutputUrl": "",
                "StandardErrorUrl": "",
                "OutputS3Region": doc["OutputS3Region"],
                "OutputS3BucketName": doc["OutputS3BucketName"],
                "OutputS3KeyPrefix": doc["OutputS3KeyPrefix"],
            }
            for name in doc["Plugins"]
        ]
    for member in ("ServiceRole", "NotificationConfig", "CloudWatchOutputConfig"):
        if doc.get(member):
            out[member] = doc[member]
    return out


@handler("ssm", "ListCommandInvocations")
def list_command_invocations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = _rows(ctx, params)
    instance = params.get("InstanceId")
    items = [
        (row, item)
        for row in rows
        for item in row.document["Invocations"]
        if not instance or item["InstanceId"] == instance
    ]
    page = pager.page_list(
        items,
        key=lambda pair: [pair[0].created.isoformat(), pair[0].rid, pair[1]["InstanceId"]],
        limit=params.get("MaxResults") or 50,
        token=params.get("NextToken"),
        scope="ListCommandInvocations",
        invalid=_invalid_token,
    )
    details = bool(params.get("Details"))
    out: dict[str, Any] = {"CommandInvocations": [_invocation(ctx, r, i, details) for r, i in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("ssm", "GetCommandInvocation")
def get_command_invocation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    missing = InvocationDoesNotExist(
        "The command ID and managed node ID you specified didn't match any invocations. Verify the command ID "
        "and the managed node ID and try again."
    )
    row = COMMANDS.find(ctx, params["CommandId"])
    if row is None:
        raise missing
    item = next((i for i in row.document["Invocations"] if i["InstanceId"] == params["InstanceId"]), None)
    plugin = params.get("PluginName")
    if item is None or (plugin and plugin not in row.document["Plugins"]):
        raise missing
    doc = row.document
    return {
        "CommandId": row.rid,
        "InstanceId": item["InstanceId"],
        "Comment": doc["Comment"],
        "DocumentName": doc["DocumentName"],
        "DocumentVersion": doc["DocumentVersion"],
        "PluginName": plugin or doc["Plugins"][0],
        "ResponseCode": 0,
        "ExecutionStartDateTime": row.created.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "ExecutionElapsedTime": "PT0S",
        "ExecutionEndDateTime": row.created.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "Status": item["Status"],
        "StatusDetails": item["StatusDetails"],
        "StandardOutputContent": "",
        "StandardOutputUrl": "",
        "StandardErrorContent": "",
        "StandardErrorUrl": "",
        "CloudWatchOutputConfig": doc.get("CloudWatchOutputConfig")
        or {"CloudWatchLogGroupName": "", "CloudWatchOutputEnabled": False},
    }


@handler("ssm", "CancelCommand")
def cancel_command(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = COMMANDS.find(ctx, params["CommandId"])
    if row is None:
        raise InvalidCommandId("The specified command ID isn't valid. Verify the ID and try again.")
    known = {i["InstanceId"] for i in row.document["Invocations"]}
    for instance in params.get("InstanceIds") or []:
        if instance not in known:
            raise InvalidInstanceId(f"Instance {instance} is not part of command {row.rid}.")
    return {}  # every invocation has finished: nothing is left to cancel
