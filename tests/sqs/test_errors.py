"""SQS's errors as clients read them: each modeled error, raised by a handler, reaches boto3 with
the query-era code SQS answers (over JSON and over the query protocol), its status and message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from awsmock.api.protocols import get
from awsmock.engine import specs
from awsmock.engine.errors import AwsError, ModeledError
from awsmock.services.sqs import errors

#: error class -> the code boto3 reports for it (``Error.Code``), in both protocols
CODES = {
    errors.QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
    errors.QueueNameExists: "QueueAlreadyExists",
    errors.InvalidAddress: "InvalidAddress",
    errors.PurgeQueueInProgress: "AWS.SimpleQueueService.PurgeQueueInProgress",
    errors.InvalidAttributeName: "InvalidAttributeName",
    errors.InvalidAttributeValue: "InvalidAttributeValue",
    errors.InvalidMessageContents: "InvalidMessageContents",
    errors.ReceiptHandleIsInvalid: "ReceiptHandleIsInvalid",
    errors.MessageNotInflight: "AWS.SimpleQueueService.MessageNotInflight",
    errors.TooManyEntriesInBatchRequest: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    errors.EmptyBatchRequest: "AWS.SimpleQueueService.EmptyBatchRequest",
    errors.BatchEntryIdsNotDistinct: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    errors.InvalidBatchEntryId: "AWS.SimpleQueueService.InvalidBatchEntryId",
    errors.BatchRequestTooLong: "AWS.SimpleQueueService.BatchRequestTooLong",
    errors.UnsupportedOperation: "AWS.SimpleQueueService.UnsupportedOperation",
    errors.ResourceNotFound: "ResourceNotFoundException",
    errors.OverLimit: "OverLimit",
    errors.InvalidParameterValue: "InvalidParameterValue",
    errors.MissingParameter: "MissingParameter",
}


def _error_classes() -> set[type[AwsError]]:
    return {
        v
        for v in vars(errors).values()
        if isinstance(v, type) and issubclass(v, AwsError) and v.__module__ == errors.__name__
    } - {errors.SqsError}


def test_every_error_class_is_listed() -> None:
    assert _error_classes() == set(CODES)


def test_the_modeled_ones_are_the_models_shapes() -> None:
    """What the model describes comes from it; what it does not stays hand-written."""
    shapes = {s.name for s in specs.service_model("sqs").error_shapes}
    for cls in _error_classes():
        assert issubclass(cls, ModeledError) == (cls().code in shapes), cls


def _parse(protocol: str, error: AwsError) -> tuple[int, dict[str, Any]]:
    model = specs.service_model("sqs")
    resp = get(protocol).serialize_error(model, model.operation_model("GetQueueUrl"), error, "r-1")
    headers = HeadersDict()
    for k, v in resp.headers.items():
        headers[k] = v
    raw = {"status_code": resp.status, "headers": headers, "body": b"".join(resp.iter_body())}
    return resp.status, create_parser(protocol).parse(raw, None)["Error"]


@pytest.mark.parametrize("protocol", ["json", "query"])
@pytest.mark.parametrize("cls", list(CODES), ids=lambda c: c.__name__)
def test_clients_read_the_query_era_code_status_and_message(protocol: str, cls: type[AwsError]) -> None:
    error = cls("it went wrong")
    status, err = _parse(protocol, error)
    assert (status, err["Code"], err["Message"]) == (400, CODES[cls], "it went wrong")
    assert error.sender_fault


def test_default_messages() -> None:
    assert errors.QueueDoesNotExist().message == "The specified queue does not exist."
    assert errors.MessageNotInflight().message.startswith("Message does not exist or is not available")
    assert errors.InvalidBatchEntryId().message.startswith("A batch entry id can only contain")


def test_resource_not_found_is_a_400_as_aws_documents(sqs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sqs.cancel_message_move_task(TaskHandle="bm9wZQ==")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert exc.value.response["Error"]["Message"] == "Task does not exist."
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_batch_entry_reports_the_error_by_its_short_name(sqs: Any, new_queue: Any) -> None:
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    msg = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    res = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[{"Id": "gone", "ReceiptHandle": msg["ReceiptHandle"], "VisibilityTimeout": 10}],
    )
    assert res["Failed"] == [
        {
            "Id": "gone",
            "SenderFault": True,
            "Code": "MessageNotInflight",
            "Message": "Message does not exist or is not available for visibility timeout change.",
        }
    ]
