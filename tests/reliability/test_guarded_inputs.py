"""Issue #22, items 8, 9 and 12, one regression test each: JSON nested deeper than any document
needs (policies, redrive policies, page tokens, PartiQL literals, authorization messages, request
bodies) gets the service's own validation error; malformed but parseable inputs are refused before
anything is stored; an over-large IAM body is the size error. Each was a 500 or a dropped
connection."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from awsmock.engine.wire import MAX_BUFFERED_BODY
from tests.reliability.hostile import auth_header, call, fingerprint

#: arrays nested 5,000 deep: the C scanner, and the code that walks a document, recurse per level
DEEP = "[" * 5000 + "]" * 5000
UNCHECKED = Config(parameter_validation=False, retries={"total_max_attempts": 1})


@pytest.fixture
def client(inprocess_client: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda service: inprocess_client(service, config=UNCHECKED)


def refused(fn: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as info:
        fn()
    err = info.value.response
    return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"].get("Message", "")


def _json(service: str, target: str, body: bytes) -> dict[str, str]:
    return {
        "Authorization": auth_header(service),
        "X-Amz-Date": "20260101T000000Z",
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": target,
    }


# -- 8: JSON nested too deeply ----------------------------------------------------------------


def test_deep_policy_documents_are_malformed(client: Callable[[str], Any]) -> None:
    iam, s3 = client("iam"), client("s3")
    s3.create_bucket(Bucket="deep-bucket")
    statement = '{"Version": "2012-10-17", "Statement": ' + DEEP + "}"
    assert refused(lambda: iam.create_policy(PolicyName="p", PolicyDocument=statement)) == (
        400,
        "MalformedPolicyDocument",
        "Syntax errors in policy.",
    )
    assert refused(lambda: s3.put_bucket_policy(Bucket="deep-bucket", Policy=statement))[:2] == (
        400,
        "MalformedPolicy",
    )
    assert iam.list_policies(Scope="Local")["Policies"] == []
    assert refused(lambda: s3.get_bucket_policy(Bucket="deep-bucket"))[1] == "NoSuchBucketPolicy"


def test_deep_sqs_attributes_and_tokens(client: Callable[[str], Any]) -> None:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for name in ("RedrivePolicy", "Policy", "RedriveAllowPolicy"):
        assert refused(lambda n=name: sqs.set_queue_attributes(QueueUrl=url, Attributes={n: DEEP})) == (
            400,
            "InvalidAttributeValue",
            f"Invalid value for the parameter {name}.",
        )
    token = base64.b64encode(DEEP.encode()).decode()
    assert refused(lambda: sqs.list_queues(NextToken=token)) == (
        400,
        "InvalidParameterValue",
        "Invalid NextToken value.",
    )
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert "RedrivePolicy" not in attributes and "Policy" not in attributes


def test_deep_dynamodb_inputs(client: Callable[[str], Any]) -> None:
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    ddb.create_table(
        TableName="deep",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    literal = "[" * 3000 + "]" * 3000
    assert refused(
        lambda: ddb.execute_statement(Statement=f"INSERT INTO deep VALUE {{'pk': 'a', 'x': {literal}}}")
    ) == (400, "ValidationException", "Nesting Levels have exceeded supported limits")
    status, code, message = refused(
        lambda: ddb.execute_statement(
            Statement="SELECT * FROM deep WHERE " + "(" * 3000 + "pk = 'a'" + ")" * 3000
        )
    )
    assert (status, code) == (400, "ValidationException")
    assert message.startswith("Statement wasn't well formed, can't be processed")
    iterator = base64.urlsafe_b64encode(DEEP.encode()).decode()
    status, code, message = refused(lambda: streams.get_records(ShardIterator=iterator))
    assert (status, code) == (400, "ValidationException")
    assert ddb.scan(TableName="deep")["Count"] == 0


def test_deep_authorization_message(client: Callable[[str], Any]) -> None:
    assert refused(lambda: client("sts").decode_authorization_message(EncodedMessage=DEEP)) == (
        400,
        "InvalidAuthorizationMessageException",
        "The message provided is invalid.",
    )


@pytest.mark.parametrize("target", ["AmazonSQS.ReceiveMessage", "AmazonSQS.SendMessage"])
def test_deep_request_bodies(app: Any, target: str) -> None:
    body = b'{"QueueUrl":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    status, _headers, answer = call(app, "POST", "/", _json("sqs", target, body), body)
    assert status == 400
    assert json.loads(answer) == {
        "__type": "com.amazon.coral.service#SerializationException",
        "message": "The request body is nested too deeply",
    }


def test_deep_admin_bodies(app: Any) -> None:
    import falcon.testing

    admin = falcon.testing.TestClient(app)
    for path in ("/_awsmock/snapshots", "/_awsmock/auth"):
        answer = admin.simulate_post(path, body=b"[" * 100_000 + b"]" * 100_000)
        assert answer.status_code == 400, (path, answer.text)
    assert admin.simulate_get("/_awsmock/snapshots").json == {"snapshots": []}


# -- 9: malformed but parseable ---------------------------------------------------------------


def test_create_table_without_key_schema(client: Callable[[str], Any]) -> None:
    ddb = client("dynamodb")
    assert refused(
        lambda: ddb.create_table(
            TableName="nokeys",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    ) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
        "Member must not be null",
    )
    assert ddb.list_tables()["TableNames"] == []


def test_malformed_sqs_inputs_change_nothing(app: Any, client: Callable[[str], Any]) -> None:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="malformed")["QueueUrl"]
    before = fingerprint(app.store)
    form = {
        "Authorization": auth_header("sqs"),
        "X-Amz-Date": "20260101T000000Z",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    query = f"Action=SendMessage&Version=2012-11-05&QueueUrl={url}&MessageBody=x&MessageAttribute.1.Name=a"
    status, _h, answer = call(app, "POST", "/", form, query.encode())
    assert status == 400
    assert b"<Code>MissingParameter</Code>" in answer
    assert b"The request must contain the parameter MessageAttribute.1.Value." in answer
    for entries in ([None], [{"Id": "a", "MessageBody": "x"}, None]):
        body = json.dumps({"QueueUrl": url, "Entries": entries}).encode()
        status, _h, answer = call(app, "POST", "/", _json("sqs", "AmazonSQS.SendMessageBatch", body), body)
        assert status == 400
        assert json.loads(answer)["__type"] == "com.amazon.coral.service#SerializationException"
    assert refused(lambda: sqs.send_message(QueueUrl="http://[::1/x", MessageBody="x")) == (
        400,
        "InvalidAddress",
        "The address http://[::1/x is not valid for this endpoint.",
    )
    assert refused(
        lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": '{"Statement":"x"}'})
    ) == (400, "InvalidAttributeValue", "Invalid value for the parameter Policy.")
    assert fingerprint(app.store) == before
    # the refused policy was not stored, so a permission can still be added
    sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert [s["Sid"] for s in policy["Statement"]] == ["l"]


def test_presigned_expiry_out_of_range(app: Any, client: Callable[[str], Any]) -> None:
    client("s3").create_bucket(Bucket="presigned")
    status, _h, answer = call(
        app, "GET", "/presigned/k?AWSAccessKeyId=testing&Signature=x&Expires=-100000000000000000000", {}, b""
    )
    assert status == 403
    assert (
        b"<Message>Invalid date (should be seconds since epoch): -100000000000000000000</Message>" in answer
    )
    status, _h, answer = call(
        app,
        "GET",
        "/presigned/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=testing%2F20260101%2Fus-east-1%2Fs3"
        "%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=-100000000000000000000"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
        {},
        b"",
    )
    assert status == 400
    assert b"<Code>AuthorizationQueryParametersError</Code>" in answer


@pytest.mark.parametrize(
    "policy,message",
    [
        ([1, 2], b"Invalid Policy: Invalid JSON."),
        ({"expiration": 5}, b"Invalid Policy: Invalid 'expiration' value: '5'"),
        (
            {"expiration": "2099-01-01T00:00:00Z", "conditions": "x"},
            b"Invalid 'conditions' value: must be a List.",
        ),
    ],
)
def test_post_form_policy_of_the_wrong_type(
    app: Any, client: Callable[[str], Any], policy: Any, message: bytes
) -> None:
    client("s3").create_bucket(Bucket="forms")
    encoded = base64.b64encode(json.dumps(policy).encode()).decode()
    boundary = "xyz"
    fields = {
        "key": "k",
        "policy": encoded,
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "testing/20260101/us-east-1/s3/aws4_request",
        "x-amz-date": "20260101T000000Z",
        "x-amz-signature": "0" * 64,
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nbody\r\n--{boundary}--\r\n'
    )
    body = "".join(parts).encode()
    status, _h, answer = call(
        app, "POST", "/forms", {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body
    )
    assert status == 400, answer
    assert b"<Code>InvalidPolicyDocument</Code>" in answer and message in answer
    assert client("s3").list_objects_v2(Bucket="forms")["KeyCount"] == 0


# -- 12: the size error, for IAM as for SQS and DynamoDB ---------------------------------------


def test_over_large_iam_body_is_the_size_error(app: Any) -> None:
    headers = {
        "Authorization": auth_header("iam"),
        "X-Amz-Date": "20260101T000000Z",
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(MAX_BUFFERED_BODY + 1),
    }
    status, _h, answer = call(app, "POST", "/", headers, b"Action=ListUsers&Version=2010-05-08")
    assert status == 413
    assert b"<Code>RequestEntityTooLarge</Code>" in answer


def test_deep_kms_policy_and_grant_token(client: Callable[[str], Any]) -> None:
    kms = client("kms")
    assert refused(lambda: kms.create_key(Policy='{"Statement": ' + DEEP + "}")) == (
        400,
        "MalformedPolicyDocumentException",
        "Policy document is not valid JSON.",
    )
    assert kms.list_keys()["Keys"] == []
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    token = base64.urlsafe_b64encode(("[" * 2000 + "]" * 2000).encode()).decode()  # within the model's 8,192
    status, code, _message = refused(lambda: kms.encrypt(KeyId=key, Plaintext=b"x", GrantTokens=[token]))
    assert (status, code) == (400, "InvalidGrantTokenException")


def test_simulation_context_entry_without_a_name(client: Callable[[str], Any]) -> None:
    iam = client("iam")
    user = iam.create_user(UserName="simulated")["User"]["Arn"]
    assert refused(
        lambda: iam.simulate_principal_policy(
            PolicySourceArn=user, ActionNames=["s3:GetObject"], ContextEntries=[{"ContextKeyValues": ["x"]}]
        )
    ) == (
        400,
        "ValidationError",
        "1 validation error detected: Value null at 'contextEntries.1.member.contextKeyName' failed to "
        "satisfy constraint: Member must not be null",
    )
