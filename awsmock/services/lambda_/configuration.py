"""A function's configuration as Lambda checks, stores and shows it: runtimes (and the ones
Lambda no longer takes), the execution role (which Lambda must be able to assume), memory,
timeout, environment variables (4 KB, reserved keys), layers, dead-letter targets; and the
``FunctionConfiguration`` document every function operation answers with."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from awsmock.auth import policy
from awsmock.engine import arns, specs
from awsmock.engine.context import RequestContext
from awsmock.services.iam.internal import role_by_arn

from .errors import InvalidParameterValueException, validation
from .execution.contract import RESERVED_ENVIRONMENT
from .lookup import LATEST, LAYER_VERSION_ARN, LAYER_VERSIONS, function_arn, timestamp

ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_ROLE = re.compile(ROLE_PATTERN)
MAX_MEMORY = 10240
MAX_TIMEOUT = 900
MAX_ENV_BYTES = 4096
MAX_LAYERS = 5
DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128

#: runtimes Lambda no longer lets a function be created or updated with, and the one it suggests
BLOCKED_RUNTIMES = {
    "nodejs": "nodejs22.x",
    "nodejs4.3": "nodejs22.x",
    "nodejs4.3-edge": "nodejs22.x",
    "nodejs6.10": "nodejs22.x",
    "nodejs8.10": "nodejs22.x",
    "nodejs10.x": "nodejs22.x",
    "nodejs12.x": "nodejs22.x",
    "nodejs14.x": "nodejs22.x",
    "nodejs16.x": "nodejs22.x",
    "java8": "java21",
    "python2.7": "python3.13",
    "python3.6": "python3.13",
    "python3.7": "python3.13",
    "python3.8": "python3.13",
    "dotnetcore1.0": "dotnet8",
    "dotnetcore2.0": "dotnet8",
    "dotnetcore2.1": "dotnet8",
    "dotnetcore3.1": "dotnet8",
    "dotnet6": "dotnet8",
    "go1.x": "provided.al2023",
    "ruby2.5": "ruby3.3",
    "ruby2.7": "ruby3.3",
    "provided": "provided.al2023",
}

#: fields kept per version that do not make two configurations differ
_VOLATILE = ("LastModified", "RevisionId", "Version", "Description", "FunctionArn")


def runtimes() -> list[str]:
    return list(specs.service_model("lambda").shape_for("Runtime").enum)


def check_runtime(runtime: Any) -> None:
    if runtime is None:
        return
    if runtime not in runtimes():
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(runtimes())}] or be a valid ARN"
        )
    if runtime in BLOCKED_RUNTIMES:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda "
            f"functions. We recommend you use the new runtime ({BLOCKED_RUNTIMES[runtime]}) while creating or "
            "updating functions."
        )


def check_role(ctx: RequestContext, role: Any, fn_arn: str) -> str:
    """The execution role: an IAM role ARN, of a role that exists and trusts Lambda."""
    if not isinstance(role, str) or not _ROLE.fullmatch(role):
        raise validation(role, "role", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}")
    found = role_by_arn(ctx.session, role)
    if found is None or not policy.service_may(
        found.assume_role_policy or "{}", "sts:AssumeRole", found.arn, "lambda.amazonaws.com", fn_arn
    ):
        raise InvalidParameterValueException("The role defined for the function cannot be assumed by Lambda.")
    return role


def check_limits(params: dict[str, Any]) -> None:
    memory = params.get("MemorySize")
    if memory is not None and memory > MAX_MEMORY:
        raise validation(memory, "memorySize", f"Member must have value less than or equal to {MAX_MEMORY}")
    timeout = params.get("Timeout")
    if timeout is not None and timeout > MAX_TIMEOUT:
        raise validation(timeout, "timeout", f"Member must have value less than or equal to {MAX_TIMEOUT}")


def check_environment(env: Any) -> dict[str, Any] | None:
    if env is None:
        return None
    variables = dict((env or {}).get("Variables") or {})
    reserved = sorted(k for k in variables if k in RESERVED_ENVIRONMENT)
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            "you have provided contains reserved keys that are currently not supported for modification. "
            f"Reserved keys used in this request: {', '.join(reserved)}"
        )
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > MAX_ENV_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment variables "
            f"you have provided exceeded the 4KB limit. String measured: {measured}"
        )
    return {"Variables": variables}


def check_layers(ctx: RequestContext, layers: Any) -> list[dict[str, Any]]:
    layers = list(layers or [])
    if len(layers) > MAX_LAYERS:
        raise InvalidParameterValueException(f"Cannot reference more than {MAX_LAYERS} layers.")
    out = []
    for arn in layers:
        m = LAYER_VERSION_ARN.fullmatch(str(arn))
        if m is None:
            raise validation(
                arn,
                "layers",
                "Member must satisfy constraint: [Member must have length less than or equal to 140, Member must "
                "have length greater than or equal to 1, Member must satisfy regular expression pattern: "
                r"arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]",
            )
        row = LAYER_VERSIONS.by_arn(ctx, str(arn))
        if row is None:
            raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
        if row.account_id != ctx.account_id and not _layer_shared(row.document, ctx.account_id):
            raise InvalidParameterValueException(f"Layer version {arn} does not exist.")
        out.append(
            {
                "Arn": str(arn),
                "CodeSize": int(row.document["Content"]["CodeSize"]),
                "sha": row.document["sha"],
            }
        )
    names = [LAYER_VERSION_ARN.fullmatch(layer["Arn"]).group("name") for layer in out]  # type: ignore[union-attr]
    if len(set(names)) != len(names):
        raise InvalidParameterValueException(
            "Two different versions of the same layer are not allowed to be referenced in the same function."
        )
    return out


def _layer_shared(document: dict[str, Any], account: str) -> bool:
    for st in (document.get("policy") or {}).get("Statement", []):
        principal = st.get("Principal")
        if principal == "*" or (
            isinstance(principal, dict) and principal.get("AWS") in (account, arns.account_root(account))
        ):
            return True
    return False


def check_dead_letter(config: Any) -> dict[str, Any] | None:
    if config is None:
        return None
    target = (config or {}).get("TargetArn")
    if not target:
        return {}
    parsed = arns.parse(str(target))
    if parsed is None or parsed.service not in ("sqs", "sns"):
        raise InvalidParameterValueException(
            "The provided target arn is invalid. Only SQS queue and SNS topic ARNs are supported."
        )
    return {"TargetArn": str(target)}


def runtime_version_arn(ctx: RequestContext, runtime: str | None) -> str:
    digest = hashlib.sha256(f"{runtime}".encode()).hexdigest()
    return ctx.arn("lambda", f"runtime:{digest}", account="")


def config_digest(config: dict[str, Any], sha: str | None) -> str:
    """What a published version is compared on: code and configuration, not its times or ids."""
    kept = {k: v for k, v in config.items() if k not in _VOLATILE}
    return hashlib.sha256(json.dumps([kept, sha], sort_keys=True, default=str).encode()).hexdigest()


def shown(
    ctx: RequestContext, name: str, document: dict[str, Any], version: str, *, qualified: bool | None = None
) -> dict[str, Any]:
    """The FunctionConfiguration of one version as the API answers it. ``qualified``: the ARN
    carries the version (published versions always; ``$LATEST`` when listed with versions)."""
    config = {k: v for k, v in document["config"].items() if not k.startswith("_")}
    with_q = (version != LATEST) if qualified is None else qualified
    config["FunctionArn"] = function_arn(ctx, name, version if with_q else None)
    config["Version"] = version
    config["Layers"] = [
        {"Arn": layer["Arn"], "CodeSize": layer["CodeSize"]} for layer in config.get("Layers") or []
    ]
    if not config["Layers"]:
        del config["Layers"]
    config["State"] = "Active"
    config["LastUpdateStatus"] = "Successful"
    if config.get("PackageType", "Zip") == "Zip":
        config["RuntimeVersionConfig"] = {
            "RuntimeVersionArn": runtime_version_arn(ctx, config.get("Runtime"))
        }
    return config


def new_config(
    ctx: RequestContext, name: str, params: dict[str, Any], sha: str | None, size: int
) -> dict[str, Any]:
    """The stored configuration of a new function's ``$LATEST``."""
    package = params.get("PackageType") or "Zip"
    from .code import digest_b64
    from .lookup import new_revision

    config: dict[str, Any] = {
        "FunctionName": name,
        "Role": params["Role"],
        "CodeSize": size,
        "Description": params.get("Description") or "",
        "Timeout": params.get("Timeout") or DEFAULT_TIMEOUT,
        "MemorySize": params.get("MemorySize") or DEFAULT_MEMORY,
        "LastModified": timestamp(ctx.now),
        "CodeSha256": digest_b64(sha) if sha else "",
        "TracingConfig": {"Mode": (params.get("TracingConfig") or {}).get("Mode") or "PassThrough"},
        "RevisionId": new_revision(),
        "PackageType": package,
        "Architectures": list(params.get("Architectures") or ["x86_64"]),
        "EphemeralStorage": {"Size": (params.get("EphemeralStorage") or {}).get("Size") or 512},
        "SnapStart": {
            "ApplyOn": (params.get("SnapStart") or {}).get("ApplyOn") or "None",
            "OptimizationStatus": "Off",
        },
        "LoggingConfig": {
            "LogFormat": (params.get("LoggingConfig") or {}).get("LogFormat") or "Text",
            "LogGroup": (params.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}",
            **{
                k: v
                for k, v in (params.get("LoggingConfig") or {}).items()
                if k in ("ApplicationLogLevel", "SystemLogLevel")
            },
        },
    }
    if package == "Zip":
        config["Runtime"] = params.get("Runtime")
        config["Handler"] = params.get("Handler")
    return config


def apply_settings(ctx: RequestContext, config: dict[str, Any], params: dict[str, Any]) -> None:
    """The members CreateFunction and UpdateFunctionConfiguration share, into ``config``."""
    for key in ("Description", "Timeout", "MemorySize", "Handler", "Runtime", "KMSKeyArn"):
        if params.get(key) is not None:
            config[key] = params[key]
    if "Environment" in params:
        env = check_environment(params["Environment"])
        if env is not None:
            config["Environment"] = env
    if params.get("VpcConfig") is not None:
        vpc = params["VpcConfig"]
        config["VpcConfig"] = {
            "SubnetIds": list(vpc.get("SubnetIds") or []),
            "SecurityGroupIds": list(vpc.get("SecurityGroupIds") or []),
            "Ipv6AllowedForDualStack": bool(vpc.get("Ipv6AllowedForDualStack", False)),
            "VpcId": f"vpc-{hashlib.sha256(str(vpc.get('SubnetIds')).encode()).hexdigest()[:17]}"
            if vpc.get("SubnetIds")
            else "",
        }
    if "DeadLetterConfig" in params:
        dead = check_dead_letter(params["DeadLetterConfig"])
        if dead:
            config["DeadLetterConfig"] = dead
        else:
            config.pop("DeadLetterConfig", None)
    if params.get("TracingConfig") is not None:
        config["TracingConfig"] = {"Mode": params["TracingConfig"].get("Mode") or "PassThrough"}
    if "Layers" in params and params["Layers"] is not None:
        config["Layers"] = check_layers(ctx, params["Layers"])
    if params.get("FileSystemConfigs") is not None:
        config["FileSystemConfigs"] = list(params["FileSystemConfigs"])
    if params.get("ImageConfig") is not None:
        config["ImageConfigResponse"] = {"ImageConfig": dict(params["ImageConfig"])}
    if params.get("EphemeralStorage") is not None:
        config["EphemeralStorage"] = {"Size": params["EphemeralStorage"].get("Size") or 512}
    if params.get("SnapStart") is not None:
        config["SnapStart"] = {
            "ApplyOn": params["SnapStart"].get("ApplyOn") or "None",
            "OptimizationStatus": "Off",
        }
    if params.get("LoggingConfig") is not None:
        merged = {**config.get("LoggingConfig", {}), **params["LoggingConfig"]}
        config["LoggingConfig"] = merged
