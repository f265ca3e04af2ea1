"""Lambda fixtures: ``lam`` (a boto3 Lambda client in this run's mode), ``role`` (an execution
role Lambda may assume), ``zip_of`` (a zip archive of files) and ``new_function`` (a function
made with CreateFunction's arguments, returning its name)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)

ECHO = "def handler(event, context):\n    return event\n"


def zip_of(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


@pytest.fixture
def lam(aws_client: Callable[..., Any]) -> Any:
    return aws_client("lambda")


@pytest.fixture
def role(aws_client: Callable[..., Any]) -> str:
    iam = aws_client("iam")
    name = f"r-{uuid.uuid4().hex[:8]}"
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"])


@pytest.fixture
def new_function(lam: Any, role: str) -> Callable[..., str]:
    def make(source: str = ECHO, **kw: Any) -> str:
        name = kw.pop("FunctionName", None) or f"f-{uuid.uuid4().hex[:10]}"
        kw.setdefault("Runtime", "python3.12")
        kw.setdefault("Handler", "index.handler")
        kw.setdefault("Code", {"ZipFile": zip_of({"index.py": source})})
        lam.create_function(FunctionName=name, Role=role, **kw)
        return name

    return make


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")
