"""Concurrency, provisioned concurrency, event invoke configs, code signing configs, function
URLs, runtime management and recursion settings."""

from __future__ import annotations

from typing import Any

from .conftest import error_of


def test_concurrency(lam: Any, new_function: Any) -> None:
    name = new_function()
    assert lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions") is None
    assert (
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=10)[
            "ReservedConcurrentExecutions"
        ]
        == 10
    )
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 10}
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 990
    assert error_of(
        lambda: lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=950)
    ) == (
        "InvalidParameterValueException",
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [100].",
    )
    lam.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)


def test_provisioned_concurrency(lam: Any, new_function: Any) -> None:
    name = new_function(Publish=True)
    assert (
        error_of(
            lambda: lam.put_provisioned_concurrency_config(
                FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
            )
        )[0]
        == "InvalidParameterValueException"
    )
    put = lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=2
    )
    assert put["Status"] == "IN_PROGRESS"
    got = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert (got["Status"], got["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 2)
    (listed,) = lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert listed["FunctionArn"].endswith(f":{name}:1")
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert error_of(lambda: lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")) == (
        "ProvisionedConcurrencyConfigNotFoundException",
        "No Provisioned Concurrency Config found for this function",
    )


def test_event_invoke_configs(lam: Any, new_function: Any) -> None:
    name = new_function()
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}:$LATEST"
    assert error_of(lambda: lam.get_function_event_invoke_config(FunctionName=name)) == (
        "ResourceNotFoundException",
        f"The function {arn} doesn't have an EventInvokeConfig",
    )
    assert error_of(
        lambda: lam.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    )[0] == ("ResourceNotFoundException")
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    out = lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": queue}}
    )
    assert out["FunctionArn"] == arn
    assert out["DestinationConfig"]["OnFailure"] == {"Destination": queue}
    updated = lam.update_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=600)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 600)
    assert (
        error_of(
            lambda: lam.put_function_event_invoke_config(
                FunctionName=name,
                DestinationConfig={"OnSuccess": {"Destination": "arn:aws:ec2:us-east-1:123456789012:x"}},
            )
        )[0]
        == "InvalidParameterValueException"
    )
    assert len(lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]) == 1
    lam.delete_function_event_invoke_config(FunctionName=name)
    assert lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"] == []


def test_code_signing_configs(lam: Any, new_function: Any) -> None:
    profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/abc"
    csc = lam.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [profile]})[
        "CodeSigningConfig"
    ]
    assert csc["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    arn = csc["CodeSigningConfigArn"]
    assert (
        lam.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"]["CodeSigningConfigId"]
        == csc["CodeSigningConfigId"]
    )
    lam.update_code_signing_config(CodeSigningConfigArn=arn, Description="new")
    assert [c["Description"] for c in lam.list_code_signing_configs()["CodeSigningConfigs"]] == ["new"]
    name = new_function()
    lam.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=arn)
    assert lam.get_function_code_signing_config(FunctionName=name)["CodeSigningConfigArn"] == arn
    assert lam.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)["FunctionArns"][0].endswith(
        name
    )
    assert (
        error_of(lambda: lam.delete_code_signing_config(CodeSigningConfigArn=arn))[0]
        == "ResourceConflictException"
    )
    lam.delete_function_code_signing_config(FunctionName=name)
    lam.delete_code_signing_config(CodeSigningConfigArn=arn)
    assert (
        error_of(lambda: lam.get_code_signing_config(CodeSigningConfigArn=arn))[0]
        == "ResourceNotFoundException"
    )


def test_function_urls(lam: Any, new_function: Any) -> None:
    name = new_function()
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["*"]})
    assert url["FunctionUrl"].startswith("https://") and url["FunctionUrl"].endswith(
        ".lambda-url.us-east-1.on.aws/"
    )
    assert error_of(lambda: lam.create_function_url_config(FunctionName=name, AuthType="NONE"))[0] == (
        "ResourceConflictException"
    )
    got = lam.get_function_url_config(FunctionName=name)
    assert (got["FunctionUrl"], got["AuthType"], got["Cors"]) == (
        url["FunctionUrl"],
        "NONE",
        {"AllowOrigins": ["*"]},
    )
    assert lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")["AuthType"] == "AWS_IAM"
    assert len(lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]) == 1
    lam.delete_function_url_config(FunctionName=name)
    assert error_of(lambda: lam.get_function_url_config(FunctionName=name))[0] == "ResourceNotFoundException"


def test_runtime_and_recursion_settings(lam: Any, new_function: Any) -> None:
    name = new_function()
    assert lam.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == "Auto"
    assert error_of(lambda: lam.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="Manual"))[
        0
    ] == ("InvalidParameterValueException")
    lam.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="FunctionUpdate")
    assert lam.get_runtime_management_config(FunctionName=name)["UpdateRuntimeOn"] == "FunctionUpdate"
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Terminate"
    lam.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")
    assert lam.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"
