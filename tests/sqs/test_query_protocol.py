"""The query (form-encoded, XML) protocol older SDKs speak to SQS, against a real server.

Requests are SigV4-signed form POSTs like an old SDK sends (to ``/`` with ``QueueUrl``, or to the
queue URL itself without it); answers are checked as XML.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.server
ACCOUNT = "123456789012"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_all(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if _local(e.tag) == name]


def _text(root: ET.Element, name: str) -> str | None:
    found = _find_all(root, name)
    return found[0].text if found else None


def _pairs(root: ET.Element, name: str) -> dict[str, str]:
    out = {}
    for el in _find_all(root, name):
        kids = {_local(k.tag): k for k in el}
        if "Name" in kids and "Value" in kids and len(kids["Value"]) == 0:
            out[kids["Name"].text or ""] = kids["Value"].text or ""
    return out


def _post(server: Any, action: str, params: dict[str, str], path: str = "/") -> requests.Response:
    body = {"Action": action, "Version": "2012-11-05", **params}
    req = AWSRequest(
        method="POST",
        url=server.url + path,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("testing", "testing"), "sqs", "us-east-1").add_auth(req)
    prepared = req.prepare()
    return requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers), timeout=30)


def call(server: Any, action: str, params: dict[str, str], path: str = "/") -> tuple[int, ET.Element]:
    resp = _post(server, action, params, path)
    assert "xml" in resp.headers.get("Content-Type", ""), resp.text
    return resp.status_code, ET.fromstring(resp.content)


@pytest.fixture
def qserver(server):
    status, body = server.admin("POST", "/_awsmock/reset")
    assert status == 200, body
    return server


def test_create_send_receive_delete(qserver):
    status, root = call(
        qserver,
        "CreateQueue",
        {
            "QueueName": "legacy",
            "Attribute.1.Name": "VisibilityTimeout",
            "Attribute.1.Value": "7",
            "Tag.1.Key": "team",
            "Tag.1.Value": "old",
        },
    )
    assert status == 200
    assert _local(root.tag) == "CreateQueueResponse"
    url = _text(root, "QueueUrl")
    assert url == f"{qserver.url}/{ACCOUNT}/legacy"
    assert _text(root, "RequestId")

    status, root = call(
        qserver,
        "SendMessage",
        {
            "QueueUrl": url,
            "MessageBody": "hi <there> & you",
            "MessageAttribute.1.Name": "color",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "blue",
        },
    )
    assert status == 200
    assert _text(root, "MD5OfMessageBody") == hashlib.md5(b"hi <there> & you").hexdigest()
    assert _text(root, "MD5OfMessageAttributes")
    message_id = _text(root, "MessageId")

    status, root = call(
        qserver,
        "ReceiveMessage",
        {
            "QueueUrl": url,
            "AttributeName.1": "All",
            "MessageAttributeName.1": "All",
            "MaxNumberOfMessages": "5",
        },
    )
    assert status == 200
    messages = _find_all(root, "Message")
    assert len(messages) == 1
    msg = messages[0]
    assert _text(msg, "MessageId") == message_id
    assert _text(msg, "Body") == "hi <there> & you"
    attrs = _pairs(msg, "Attribute")
    assert attrs["ApproximateReceiveCount"] == "1"
    assert "SentTimestamp" in attrs
    mattr = _find_all(msg, "MessageAttribute")[0]
    assert _text(mattr, "Name") == "color"
    assert _text(mattr, "StringValue") == "blue"
    assert _text(mattr, "DataType") == "String"

    status, root = call(
        qserver, "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": _text(msg, "ReceiptHandle")}
    )
    assert status == 200
    assert _local(root.tag) == "DeleteMessageResponse"

    status, root = call(qserver, "GetQueueAttributes", {"QueueUrl": url, "AttributeName.1": "All"})
    attrs = _pairs(root, "Attribute")
    assert attrs["VisibilityTimeout"] == "7"
    assert attrs["ApproximateNumberOfMessages"] == "0"
    status, root = call(qserver, "ListQueueTags", {"QueueUrl": url})
    tags = {_text(t, "Key"): _text(t, "Value") for t in _find_all(root, "Tag")}
    assert tags == {"team": "old"}


def test_request_to_queue_path_without_queue_url(qserver):
    call(qserver, "CreateQueue", {"QueueName": "bypath"})
    status, root = call(qserver, "SendMessage", {"MessageBody": "via path"}, path=f"/{ACCOUNT}/bypath")
    assert status == 200, ET.tostring(root)
    status, root = call(qserver, "ReceiveMessage", {}, path=f"/{ACCOUNT}/bypath")
    assert _text(root, "Body") == "via path"


def test_list_queues_and_batch(qserver):
    for name in ("b-one", "b-two"):
        call(qserver, "CreateQueue", {"QueueName": name})
    status, root = call(qserver, "ListQueues", {"QueueNamePrefix": "b-"})
    assert [e.text for e in _find_all(root, "QueueUrl")] == [
        f"{qserver.url}/{ACCOUNT}/b-one",
        f"{qserver.url}/{ACCOUNT}/b-two",
    ]
    url = f"{qserver.url}/{ACCOUNT}/b-one"
    status, root = call(
        qserver,
        "SendMessageBatch",
        {
            "QueueUrl": url,
            "SendMessageBatchRequestEntry.1.Id": "ok",
            "SendMessageBatchRequestEntry.1.MessageBody": "fine",
            "SendMessageBatchRequestEntry.2.Id": "bad",
            "SendMessageBatchRequestEntry.2.MessageBody": "x",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "1000",
        },
    )
    assert status == 200
    ok = _find_all(root, "SendMessageBatchResultEntry")
    failed = _find_all(root, "BatchResultErrorEntry")
    assert [_text(e, "Id") for e in ok] == ["ok"]
    assert [_text(e, "Id") for e in failed] == ["bad"]
    assert _text(failed[0], "SenderFault") == "true"


def test_errors_are_query_xml(qserver):
    status, root = call(qserver, "GetQueueUrl", {"QueueName": "nope"})
    assert status == 400
    assert _local(root.tag) == "ErrorResponse"
    assert _text(root, "Code") == "AWS.SimpleQueueService.NonExistentQueue"
    assert _text(root, "Message") == "The specified queue does not exist."
    assert _text(root, "Type") == "Sender"
    call(
        qserver,
        "CreateQueue",
        {"QueueName": "dup", "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "1"},
    )
    status, root = call(
        qserver,
        "CreateQueue",
        {"QueueName": "dup", "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "2"},
    )
    assert status == 400
    assert _text(root, "Code") == "QueueAlreadyExists"
