"""Access control: ``lambda:<Action>`` (Invoke as ``lambda:InvokeFunction``) on the function's
ARN as the request qualifies it, and the function policy as its resource policy."""

from __future__ import annotations

from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key

from .conftest import ECHO, TRUST, error_of, zip_of


def test_iam_actions_and_function_policies(clients: Any) -> None:
    iam, lam = clients("iam"), clients("lambda")
    role = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    for name in ("mine", "shared"):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": zip_of({"index.py": ECHO})},
        )
    mine = "arn:aws:lambda:us-east-1:123456789012:function:mine"
    invoker = user_with_key(iam, "invoker", policy(allow("lambda:InvokeFunction", mine)))
    stranger = user_with_key(iam, "stranger")
    lam.add_permission(
        FunctionName="shared",
        StatementId="stranger",
        Action="lambda:InvokeFunction",
        Principal="arn:aws:iam::123456789012:user/stranger",
    )
    clients.on()
    as_invoker, as_stranger = clients("lambda", invoker), clients("lambda", stranger)
    assert as_invoker.invoke(FunctionName="mine", InvocationType="DryRun")["StatusCode"] == 204
    assert error_of(lambda: as_invoker.invoke(FunctionName="shared", InvocationType="DryRun"))[0] == (
        "AccessDeniedException"
    )
    assert as_stranger.invoke(FunctionName="shared", InvocationType="DryRun")["StatusCode"] == 204
    assert error_of(lambda: as_stranger.invoke(FunctionName="mine", InvocationType="DryRun"))[0] == (
        "AccessDeniedException"
    )
    assert error_of(lambda: as_stranger.get_function(FunctionName="shared"))[0] == "AccessDeniedException"
