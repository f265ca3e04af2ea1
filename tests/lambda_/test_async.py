"""Asynchronous invocations: Invoke with InvocationType=Event queued in the outbox and run by its
worker, OnSuccess and OnFailure destinations with Lambda's record, the dead-letter queue, and
SNS and EventBridge invoking functions (which their policy must allow)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from awsmock.engine import outbox

from .conftest import ECHO, TRUST, error_of, zip_of

FAILING = "def handler(event, context):\n    raise RuntimeError('no')\n"


def _messages(sqs: Any, url: str, store: Any, want: int = 1) -> list[dict[str, Any]]:
    """The queue's messages, once the outbox has delivered ``want`` of them."""
    deadline = time.monotonic() + 30
    got: list[dict[str, Any]] = []
    while len(got) < want and time.monotonic() < deadline:
        outbox.drain(store)
        got += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
            "Messages", []
        )
        if len(got) < want:
            time.sleep(0.05)
    return got


def _queue(aws_client: Callable[..., Any], name: str) -> tuple[Any, str, str]:
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def test_event_reaches_the_on_success_destination(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    sqs, url, arn = _queue(aws_client, "ok")
    name = new_function()
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}}
    )
    out = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 1}))
    assert out["StatusCode"] == 202
    (message,) = _messages(sqs, url, store)
    doc = json.loads(message["Body"])
    assert doc["version"] == "1.0"
    assert doc["requestContext"]["condition"] == "Success"
    assert doc["requestContext"]["functionArn"].endswith(f":{name}:$LATEST")
    assert doc["requestPayload"] == {"n": 1}
    assert doc["responsePayload"] == {"n": 1}
    assert doc["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}


def test_failure_goes_to_on_failure_and_dead_letter_queue(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    sqs, fail_url, fail_arn = _queue(aws_client, "failed")
    _, dlq_url, dlq_arn = _queue(aws_client, "dlq")
    name = new_function(FAILING, DeadLetterConfig={"TargetArn": dlq_arn})
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": fail_arn}}
    )
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"k": "v"}')
    (message,) = _messages(sqs, fail_url, store)
    doc = json.loads(message["Body"])
    assert doc["requestContext"]["condition"] == "RetriesExhausted"
    assert doc["responseContext"]["functionError"] == "Unhandled"
    assert doc["responsePayload"]["errorMessage"] == "no"
    (dead,) = _messages(sqs, dlq_url, store)
    assert json.loads(dead["Body"]) == {"k": "v"}
    assert dead["MessageAttributes"]["ErrorCode"]["StringValue"] == "200"


def test_event_payload_limit(lam: Any, new_function: Any) -> None:
    name = new_function()
    assert error_of(
        lambda: lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"x" * (1048577))
    ) == (
        "RequestTooLargeException",
        "Request must be smaller than 1048576 bytes for the InvokeFunction operation",
    )


def test_sns_invokes_a_function_its_policy_allows(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    sqs, url, arn = _queue(aws_client, "from-sns")
    name = new_function()
    fn_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}}
    )
    sns = aws_client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    lam.add_permission(
        FunctionName=name,
        StatementId="sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=topic,
    )
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)
    sns.publish(TopicArn=topic, Message="hello")
    (message,) = _messages(sqs, url, store)
    (record,) = json.loads(message["Body"])["requestPayload"]["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["Sns"]["Message"] == "hello"


def test_a_service_its_policy_does_not_allow_is_refused(inprocess_client: Any, store: Any) -> None:
    from awsmock.engine.context import RequestContext
    from awsmock.services.lambda_ import internal

    role = inprocess_client("iam").create_role(RoleName="svc", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam = inprocess_client("lambda")
    lam.create_function(
        FunctionName="guarded",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": ECHO})},
    )
    lam.add_permission(
        FunctionName="guarded",
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::mine",
    )
    arn = "arn:aws:lambda:us-east-1:123456789012:function:guarded"
    topic = "arn:aws:sns:us-east-1:123456789012:t"
    with store.transaction(write=True) as tx:
        ctx = RequestContext(service="sns", operation="Deliver", tx=tx, store=store)
        refused = internal.invoke_async(
            ctx, arn, b"{}", service_principal="sns.amazonaws.com", source_arn=topic
        )
        assert refused == (None, "denied")
        missing = internal.invoke_async(
            ctx, arn + "-none", b"{}", service_principal="s3.amazonaws.com", source_arn="arn:aws:s3:::mine"
        )
        assert missing == (None, "not-found")
        request_id, why = internal.invoke_async(
            ctx, arn, b"{}", service_principal="s3.amazonaws.com", source_arn="arn:aws:s3:::mine"
        )
        assert request_id and why == ""
    lam.remove_permission(FunctionName="guarded", StatementId="s3")  # no policy: no service may
    with store.transaction(write=True) as tx:
        ctx = RequestContext(service="s3", operation="Deliver", tx=tx, store=store)
        refused = internal.invoke_async(
            ctx, arn, b"{}", service_principal="s3.amazonaws.com", source_arn="arn:aws:s3:::mine"
        )
        assert refused == (None, "denied")


def test_eventbridge_rule_invokes_a_function(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    sqs, url, arn = _queue(aws_client, "from-events")
    name = new_function()
    fn_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}}
    )
    events = aws_client("events")
    rule = events.put_rule(Name="to-fn", EventPattern=json.dumps({"source": ["my.app"]}))["RuleArn"]
    lam.add_permission(
        FunctionName=name,
        StatementId="events",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule,
    )
    events.put_targets(Rule="to-fn", Targets=[{"Id": "fn", "Arn": fn_arn}])
    events.put_events(Entries=[{"Source": "my.app", "DetailType": "thing", "Detail": '{"x": 1}'}])
    (message,) = _messages(sqs, url, store)
    event = json.loads(message["Body"])["requestPayload"]
    assert (event["source"], event["detail"]) == ("my.app", {"x": 1})


def test_s3_notification_invokes_a_function_with_the_s3_event(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    sqs, url, arn = _queue(aws_client, "from-s3")
    name = new_function()
    fn_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}}
    )
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="uploads-to-lambda")
    lam.add_permission(
        FunctionName=name,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::uploads-to-lambda",
        SourceAccount="123456789012",
    )
    s3.put_bucket_notification_configuration(
        Bucket="uploads-to-lambda",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": fn_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}},
                }
            ]
        },
    )
    s3.put_object(Bucket="uploads-to-lambda", Key="skipped.txt", Body=b"no")
    s3.put_object(Bucket="uploads-to-lambda", Key="in/report 1.csv", Body=b"a,b")
    (message,) = _messages(sqs, url, store)
    (record,) = json.loads(message["Body"])["requestPayload"]["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"]["name"] == "uploads-to-lambda"
    assert record["s3"]["object"]["key"] == "in/report+1.csv" and record["s3"]["object"]["size"] == 3


def test_logs_subscription_invokes_a_function_with_the_gzipped_events(
    lam: Any, new_function: Any, aws_client: Any, store: Any
) -> None:
    import base64
    import gzip

    sqs, url, arn = _queue(aws_client, "from-logs")
    name = new_function()
    fn_arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}}
    )
    lam.add_permission(
        FunctionName=name,
        StatementId="logs",
        Action="lambda:InvokeFunction",
        Principal="logs.amazonaws.com",
        SourceArn="arn:aws:logs:us-east-1:123456789012:log-group:app:*",
    )
    logs = aws_client("logs")
    logs.create_log_group(logGroupName="app")
    logs.create_log_stream(logGroupName="app", logStreamName="s")
    logs.put_subscription_filter(
        logGroupName="app", filterName="errors", filterPattern="ERROR", destinationArn=fn_arn
    )
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName="app",
        logStreamName="s",
        logEvents=[{"timestamp": now, "message": "INFO fine"}, {"timestamp": now, "message": "ERROR broken"}],
    )
    bodies = [json.loads(m["Body"]) for m in _messages(sqs, url, store)]
    data = json.loads(gzip.decompress(base64.b64decode(bodies[-1]["requestPayload"]["awslogs"]["data"])))
    assert data["messageType"] == "DATA_MESSAGE" and data["logGroup"] == "app"
    assert data["subscriptionFilters"] == ["errors"]
    assert [e["message"] for e in data["logEvents"]] == ["ERROR broken"]
