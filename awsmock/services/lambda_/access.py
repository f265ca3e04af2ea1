"""Lambda as access control sees it: ``lambda:<Action>`` (Invoke is ``lambda:InvokeFunction``,
GetLayerVersionByArn ``lambda:GetLayerVersion``; a function URL's request both
``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction``) on the function (qualified as the request
names it), layer version or code signing config; the function's resource policy weighs in."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import Access

from .lookup import LAYER_ARN, function_arn, parse_name

ACTIONS = {
    "Invoke": "InvokeFunction",
    "InvokeWithResponseStream": "InvokeFunction",
    "GetLayerVersionByArn": "GetLayerVersion",
    "GetFunctionConfiguration": "GetFunctionConfiguration",
}


def access_checks(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access] | None:
    """A function URL's request needs ``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction``."""
    if operation != "InvokeFunctionUrl":
        return None
    found = tuple(resource_arns(ctx, operation, params))
    return [Access("lambda:InvokeFunctionUrl", found), Access("lambda:InvokeFunction", found)]


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """``lambda:FunctionUrlAuthType`` of the requests that name a function URL's auth type
    (AddPermission, Create/UpdateFunctionUrlConfig, a function URL's own request), and
    ``lambda:InvokedViaFunctionUrl`` of a function URL's request."""
    out: dict[str, Any] = {}
    auth = params.get("FunctionUrlAuthType")
    if auth is None and ctx.operation in ("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"):
        auth = params.get("AuthType")
    if isinstance(auth, str):
        out["lambda:FunctionUrlAuthType"] = auth
    if ctx.operation == "InvokeFunctionUrl":
        out["lambda:InvokedViaFunctionUrl"] = "true"
    return out


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if isinstance(params.get("UUID"), str):  # an event source mapping
        return [ctx.arn("lambda", f"event-source-mapping:{params['UUID']}")]
    if "FunctionName" in params:
        try:
            named = parse_name(ctx, params.get("FunctionName"), params.get("Qualifier"))
        except AwsError:
            return ["*"]
        return [function_arn(ctx, named.name, named.qualifier)]
    if isinstance(params.get("Resource"), str):
        return [params["Resource"]]
    if isinstance(params.get("CodeSigningConfigArn"), str):
        return [params["CodeSigningConfigArn"]]
    if isinstance(params.get("Arn"), str):
        return [params["Arn"]]
    layer = params.get("LayerName")
    if isinstance(layer, str):
        base = layer if LAYER_ARN.fullmatch(layer) else ctx.arn("lambda", f"layer:{layer}")
        number = params.get("VersionNumber")
        return [f"{base}:{number}" if number is not None else base]
    return ["*"]
