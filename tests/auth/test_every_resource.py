"""An operation that touches more than one resource needs a permission for each: a copy reads its
source and writes its target, a transaction acts on each item's table with each item's action,
PartiQL needs its statement's action on the table it names (issue #22, items 1, 2, 5, 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.auth.test_access_control import allow, deny, error_of, policy, user_with_key

Clients = Callable[..., Any]


def _user(clients: Clients, name: str, *statements: dict[str, Any]) -> dict[str, str]:
    return user_with_key(clients("iam"), name, policy(*statements))


def test_a_copy_needs_read_access_to_its_source(clients: Clients) -> None:
    s3 = clients("s3")
    s3.create_bucket(Bucket="copies")
    s3.put_object(Bucket="copies", Key="theirs/secret", Body=b"secret")
    s3.put_object(Bucket="copies", Key="mine/a", Body=b"a")
    key = _user(
        clients,
        "copier",
        allow(["s3:PutObject", "s3:GetObject"], "arn:aws:s3:::copies/mine/*"),
        allow("s3:CreateMultipartUpload", "*"),
    )
    admin = _user(clients, "admin", allow("*", "*"))
    clients.on()  # type: ignore[attr-defined]
    mine = clients("s3", key)
    mine.copy_object(Bucket="copies", Key="mine/b", CopySource="copies/mine/a")
    code, message, status = error_of(
        lambda: mine.copy_object(Bucket="copies", Key="mine/c", CopySource="copies/theirs/secret")
    )
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:GetObject on resource: arn:aws:s3:::copies/theirs/secret" in message
    upload = mine.create_multipart_upload(Bucket="copies", Key="mine/d")["UploadId"]
    denied = error_of(
        lambda: mine.upload_part_copy(
            Bucket="copies", Key="mine/d", UploadId=upload, PartNumber=1, CopySource="copies/theirs/secret"
        )
    )
    assert denied[0] == "AccessDenied"
    root = clients("s3", admin)
    assert [o["Key"] for o in root.list_objects_v2(Bucket="copies")["Contents"]] == [
        "mine/a",
        "mine/b",
        "theirs/secret",
    ]


def test_get_object_attributes_needs_get_object_too(clients: Clients) -> None:
    s3 = clients("s3")
    s3.create_bucket(Bucket="attrs")
    s3.put_object(Bucket="attrs", Key="k", Body=b"x")
    key = _user(clients, "attr-reader", allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::attrs/k"))
    clients.on()  # type: ignore[attr-defined]
    reader = clients("s3", key)
    assert error_of(lambda: reader.get_object_attributes(Bucket="attrs", Key="k", ObjectAttributes=["ETag"]))[
        0
    ] == ("AccessDenied")


def test_partiql_is_authorized_per_table_with_its_statements_action(clients: Clients) -> None:
    ddb = clients("dynamodb")
    for name in ("open", "closed"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    key = _user(
        clients,
        "partiql",
        allow("dynamodb:PartiQLSelect", "arn:aws:dynamodb:us-east-1:123456789012:table/open"),
        deny("dynamodb:*", "arn:aws:dynamodb:us-east-1:123456789012:table/closed"),
    )
    admin = _user(clients, "ddb-admin", allow("*", "*"))
    clients.on()  # type: ignore[attr-defined]
    user = clients("dynamodb", key)
    assert user.execute_statement(Statement='SELECT * FROM "open"')["Items"] == []
    assert (
        error_of(lambda: user.execute_statement(Statement='SELECT * FROM "closed"'))[0]
        == "AccessDeniedException"
    )
    assert error_of(lambda: user.execute_statement(Statement="INSERT INTO \"open\" VALUE {'pk': 'a'}"))[
        0
    ] == ("AccessDeniedException")
    transaction = [
        {"Statement": 'SELECT * FROM "open"'},
        {"Statement": "INSERT INTO \"closed\" VALUE {'pk': 'b'}"},
    ]
    assert (
        error_of(lambda: user.execute_transaction(TransactStatements=transaction))[0]
        == "AccessDeniedException"
    )
    assert clients("dynamodb", admin).scan(TableName="closed")["Items"] == []


def test_a_transaction_needs_each_items_action_on_its_table(clients: Clients) -> None:
    ddb = clients("dynamodb")
    for name in ("a", "b"):
        ddb.create_table(
            TableName=f"tx-{name}",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    key = _user(
        clients, "tx", allow("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/tx-a")
    )
    clients.on()  # type: ignore[attr-defined]
    user = clients("dynamodb", key)
    put_a = {"Put": {"TableName": "tx-a", "Item": {"pk": {"S": "1"}}}}
    user.transact_write_items(TransactItems=[put_a])
    delete_b = {"Delete": {"TableName": "tx-b", "Key": {"pk": {"S": "1"}}}}
    assert (
        error_of(lambda: user.transact_write_items(TransactItems=[put_a, delete_b]))[0]
        == "AccessDeniedException"
    )


def test_get_session_token_needs_no_permission(clients: Clients) -> None:
    key = _user(clients, "nobody", deny("sts:*", "*"))
    clients.on()  # type: ignore[attr-defined]
    token = clients("sts", key).get_session_token()["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA")
