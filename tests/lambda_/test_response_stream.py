"""InvokeWithResponseStream: a function's answer as one PayloadChunk, then InvokeComplete."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.lambda_.conftest import error_of

SOURCE = """
def handler(event, context):
    print("working")
    if event.get("fail"):
        raise ValueError("it broke")
    return {"got": event}
"""


@pytest.mark.modes("server")
def test_the_answer_streams_as_one_chunk_then_completes(lam: Any, new_function: Any) -> None:
    name = new_function(SOURCE)
    answer = lam.invoke_with_response_stream(FunctionName=name, Payload=b'{"a": 1}', LogType="Tail")
    assert (answer["StatusCode"], answer["ExecutedVersion"]) == (200, "$LATEST")
    events = list(answer["EventStream"])
    assert events[0] == {"PayloadChunk": {"Payload": b'{"got": {"a": 1}}'}}
    assert list(events[1]) == ["InvokeComplete"] and len(events) == 2
    assert "working" in base64.b64decode(events[1]["InvokeComplete"]["LogResult"]).decode()


def test_a_function_error_completes_the_stream_with_its_type_and_message(lam: Any, new_function: Any) -> None:
    name = new_function(SOURCE)
    events = list(lam.invoke_with_response_stream(FunctionName=name, Payload=b'{"fail": true}')["EventStream"])
    assert events == [{"InvokeComplete": {"ErrorCode": "ValueError", "ErrorDetails": "it broke"}}]


def test_dry_run_and_errors(lam: Any, new_function: Any) -> None:
    name = new_function(SOURCE)
    dry = lam.invoke_with_response_stream(FunctionName=name, InvocationType="DryRun")
    assert dry["StatusCode"] == 204 and list(dry["EventStream"]) == []
    code, message = error_of(lambda: lam.invoke_with_response_stream(FunctionName="missing"))
    assert (code, message) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing",
    )
    code, _ = error_of(lambda: lam.invoke_with_response_stream(FunctionName=name, Payload=b"{not json"))
    assert code == "InvalidRequestContentException"
