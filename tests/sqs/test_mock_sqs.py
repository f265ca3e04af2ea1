"""``mock_sqs`` / ``mock_aws`` in a test process: the default AWS endpoint, long polling in-process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import boto3

from awsmock import mock_aws, mock_sqs


@mock_sqs
def test_mock_sqs_decorator_default_endpoint():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="decorated")["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/decorated"
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"


def test_mock_aws_regional_url_and_long_poll():
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        url = sqs.create_queue(QueueName="regional")["QueueUrl"]
        assert url == "https://sqs.eu-west-1.amazonaws.com/123456789012/regional"
        with ThreadPoolExecutor(1) as pool:
            fut = pool.submit(sqs.receive_message, QueueUrl=url, WaitTimeSeconds=15)
            threading.Event().wait(0.3)
            boto3.client("sqs", region_name="eu-west-1").send_message(QueueUrl=url, MessageBody="wake")
            assert fut.result(timeout=14)["Messages"][0]["Body"] == "wake"
