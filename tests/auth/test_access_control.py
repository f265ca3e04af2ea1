"""INITIAL_NO_AUTH_ACTION_COUNT end to end, in-process and against a real server: after n free
actions every request is authenticated (SigV4 against IAM access keys / STS credentials) and
authorized (IAM policies, S3 bucket policies, role trust policies)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.auth
import botocore.exceptions
import pytest
import requests

from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.helpers import ServerProcess, inprocess_client_factory, server_client

ACCOUNT = "123456789012"
#: the auth server's admin token: with access control on, its admin API needs one
ADMIN_TOKEN = "admin-secret"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Mode:
    """Clients and the auth switch for one mode."""

    def __init__(
        self, name: str, make: Callable[..., Any], begin: Callable[[int], None], url: str | None = None
    ) -> None:
        self.name = name
        self._make = make
        self.begin = begin
        self.url = url

    def client(self, service: str, key: dict[str, str] | None = None, **kw: Any) -> Any:
        if key is not None:
            kw["aws_access_key_id"] = key["AccessKeyId"]
            kw["aws_secret_access_key"] = key["SecretAccessKey"]
            if key.get("SessionToken"):
                kw["aws_session_token"] = key["SessionToken"]
        return self._make(service, **kw)


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(
        tmp_path_factory.mktemp("auth-server"),
        "--admin-token",
        ADMIN_TOKEN,
        env={"INITIAL_NO_AUTH_ACTION_COUNT": "1000"},
    )
    proc.start()
    yield proc
    proc.stop()


def _admin_json(proc: ServerProcess, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    status, raw = proc.admin(method, path, data, {"Content-Type": "application/json", **ADMIN})
    return status, json.loads(raw) if raw else None


@pytest.fixture(params=["inprocess", "server"])
def mode(request: pytest.FixtureRequest) -> Mode:
    if request.param == "inprocess":
        store: Store = request.getfixturevalue("store")

        def begin_inprocess(n: int) -> None:
            set_initial_no_auth_action_count(store, n)

        return Mode("inprocess", inprocess_client_factory(request.getfixturevalue("app")), begin_inprocess)
    proc: ServerProcess = request.getfixturevalue("auth_server")

    def begin(n: int) -> None:
        # reset the state with authentication off, then start counting n free actions
        assert _admin_json(proc, "POST", "/_awsmock/auth", {"initial_no_auth_action_count": None})[0] == 200
        assert proc.admin("POST", "/_awsmock/reset", headers=ADMIN)[0] == 200
        assert _admin_json(proc, "POST", "/_awsmock/auth", {"initial_no_auth_action_count": n})[0] == 200

    def make(service: str, **kw: Any) -> Any:
        return server_client(proc.url, service, **kw)

    return Mode("server", make, begin, proc.url)


def error_of(fn: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(botocore.exceptions.ClientError) as info:
        fn()
    err = info.value.response["Error"]
    return err["Code"], err.get("Message", ""), info.value.response["ResponseMetadata"]["HTTPStatusCode"]


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def user_with_key(iam: Any, name: str, document: str | None = None) -> dict[str, str]:
    """2 actions (3 with a document): create the user (+ inline policy) and an access key."""
    iam.create_user(UserName=name)
    if document is not None:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document)
    return iam.create_access_key(UserName=name)["AccessKey"]


# -- the scenario ------------------------------------------------------------------------------------


def test_free_actions_then_policies_decide(mode: Mode) -> None:
    mode.begin(4)
    iam = mode.client("iam")
    iam.create_user(UserName="alice")
    arn = iam.create_policy(
        PolicyName="list-only",
        PolicyDocument=policy(allow(["iam:ListUsers", "iam:GetUser"]), deny("iam:CreateUser")),
    )["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    # the free actions are used up: the default credentials are not an IAM key
    assert error_of(iam.list_users) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )
    alice = mode.client("iam", key)
    assert [u["UserName"] for u in alice.list_users()["Users"]] == ["alice"]
    assert alice.get_user(UserName="alice")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    code, message, status = error_of(lambda: alice.create_user(UserName="mallory"))
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: iam:CreateUser on "
        f"resource: arn:aws:iam::{ACCOUNT}:user/mallory with an explicit deny in an identity-based "
        "policy"
    )
    code, message, _ = error_of(alice.list_roles)
    assert code == "AccessDenied"
    assert message.endswith("because no identity-based policy allows the iam:ListRoles action")
    # every authenticated caller may ask who it is
    me = mode.client("sts", key).get_caller_identity()
    assert (me["Arn"], me["Account"]) == (f"arn:aws:iam::{ACCOUNT}:user/alice", ACCOUNT)


def test_wrong_secret_is_signature_mismatch(mode: Mode) -> None:
    mode.begin(2)
    key = user_with_key(mode.client("iam"), "bob")
    forged = {**key, "SecretAccessKey": "not-" + key["SecretAccessKey"]}
    code, message, status = error_of(mode.client("iam", forged).list_users)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided."
    )
    assert error_of(mode.client("sts", forged).get_caller_identity)[0] == "SignatureDoesNotMatch"


def test_unknown_key_is_each_services_invalid_key_error(mode: Mode) -> None:
    mode.begin(0)
    stranger = {"AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "SecretAccessKey": "x" * 40}
    assert error_of(mode.client("iam", stranger).list_users)[:2] == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )
    assert error_of(mode.client("sts", stranger).get_caller_identity)[0] == "InvalidClientTokenId"
    assert error_of(mode.client("s3", stranger).list_buckets)[:2] == (
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    )
    assert error_of(mode.client("sqs", stranger).list_queues)[0] == "InvalidClientTokenId"
    assert error_of(mode.client("dynamodb", stranger).list_tables)[0] == "UnrecognizedClientException"


def test_inactive_key_is_refused(mode: Mode) -> None:
    mode.begin(3)
    iam = mode.client("iam")
    key = user_with_key(iam, "carol", policy(allow("iam:*")))
    carol = mode.client("iam", key)
    carol.update_access_key(UserName="carol", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert error_of(carol.list_users)[0] == "InvalidClientTokenId"


def test_assumed_role_acts_with_the_roles_policies(mode: Mode) -> None:
    mode.begin(6)
    iam = mode.client("iam")
    key = user_with_key(iam, "dave", policy(allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/*")))
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/dave"},
            "Action": "sts:AssumeRole",
        }
    )
    role_arn = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="reader", PolicyName="r", PolicyDocument=policy(allow("iam:ListRoles")))
    iam.create_role(
        RoleName="locked",
        AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
    )

    sts = mode.client("sts", key)
    assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=900)
    creds = assumed["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1"
    assert assumed["AssumedRoleUser"]["Arn"] == session_arn

    as_role = mode.client("iam", creds)
    assert {r["RoleName"] for r in as_role.list_roles()["Roles"]} == {"locked", "reader"}
    code, message, _ = error_of(as_role.list_users)
    assert code == "AccessDenied"
    assert message.startswith(f"User: {session_arn} is not authorized to perform: iam:ListUsers")
    assert mode.client("sts", creds).get_caller_identity()["Arn"] == session_arn
    # the user itself has no IAM permissions, and the other role does not trust it
    assert error_of(mode.client("iam", key).list_roles)[0] == "AccessDenied"
    code, message, _ = error_of(
        lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/locked", RoleSessionName="s2")
    )
    assert code == "AccessDenied"
    assert f"sts:AssumeRole on resource: arn:aws:iam::{ACCOUNT}:role/locked" in message
    # a session token that does not belong to the key
    bad = {**creds, "SessionToken": "forged"}
    assert error_of(mode.client("iam", bad).list_roles)[0] == "InvalidClientTokenId"


def test_group_policies_apply_to_members(mode: Mode) -> None:
    mode.begin(5)
    iam = mode.client("iam")
    key = user_with_key(iam, "erin")
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="g", PolicyDocument=policy(allow("iam:List*")))
    iam.add_user_to_group(GroupName="readers", UserName="erin")
    erin = mode.client("iam", key)
    assert erin.list_groups()["Groups"][0]["GroupName"] == "readers"
    assert error_of(lambda: erin.get_group(GroupName="readers"))[0] == "AccessDenied"


def test_sqs_denial_names_the_queue(mode: Mode) -> None:
    mode.begin(3)
    queue_url = mode.client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    key = user_with_key(mode.client("iam"), "worker")
    sqs = mode.client("sqs", key)
    code, message, _ = error_of(lambda: sqs.send_message(QueueUrl=queue_url, MessageBody="x"))
    assert code == "AccessDenied"
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/worker is not authorized to perform: sqs:SendMessage on "
        f"resource: {queue_arn} because no identity-based policy allows the sqs:SendMessage action"
    )


def test_policies_grant_sqs_and_s3(mode: Mode) -> None:
    mode.begin(5)
    queue_url = mode.client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    mode.client("s3").create_bucket(Bucket="data-bucket")
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    key = user_with_key(
        mode.client("iam"),
        "worker",
        policy(
            allow(["sqs:SendMessage", "sqs:ReceiveMessage"], queue_arn),
            allow("s3:PutObject", "arn:aws:s3:::data-bucket/in/*"),
        ),
    )
    sqs = mode.client("sqs", key)
    sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "hello"
    assert error_of(lambda: sqs.delete_queue(QueueUrl=queue_url))[0] == "AccessDenied"
    s3 = mode.client("s3", key)
    s3.put_object(Bucket="data-bucket", Key="in/a.txt", Body=b"payload")
    code, message, status = error_of(lambda: s3.put_object(Bucket="data-bucket", Key="out/a.txt", Body=b"x"))
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:PutObject on resource: arn:aws:s3:::data-bucket/out/a.txt" in message
    assert error_of(lambda: s3.get_object(Bucket="data-bucket", Key="in/a.txt"))[0] == "AccessDenied"


def test_bucket_policy_grants_access(mode: Mode) -> None:
    mode.begin(5)
    s3_root = mode.client("s3")
    s3_root.create_bucket(Bucket="shared-bucket")
    s3_root.put_object(Bucket="shared-bucket", Key="doc.txt", Body=b"shared")
    s3_root.put_bucket_policy(
        Bucket="shared-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/frank"},
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::shared-bucket/*",
                    }
                ],
            }
        ),
    )
    mode.client("iam").create_user(UserName="frank")
    key = mode.client("iam").create_access_key(UserName="frank")["AccessKey"]
    s3 = mode.client("s3", key)  # the user has no identity policy: the bucket policy lets it in
    assert s3.get_object(Bucket="shared-bucket", Key="doc.txt")["Body"].read() == b"shared"
    assert error_of(lambda: s3.delete_object(Bucket="shared-bucket", Key="doc.txt"))[0] == "AccessDenied"


def test_a_table_policy_grants_and_denies(mode: Mode) -> None:
    mode.begin(7)  # the seven setup actions below; then every request is authorized
    root = mode.client("dynamodb")
    table_arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/shared-table"
    user = f"arn:aws:iam::{ACCOUNT}:user/"
    root.create_table(
        TableName="shared-table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        ResourcePolicy=policy(
            {**allow("dynamodb:GetItem", table_arn), "Principal": {"AWS": user + "frank"}},
            {**deny("dynamodb:DeleteItem", table_arn), "Principal": {"AWS": user + "gus"}},
        ),
    )
    root.put_item(TableName="shared-table", Item={"pk": {"S": "k"}})
    iam = mode.client("iam")
    frank = mode.client("dynamodb", user_with_key(iam, "frank"))  # no identity policy
    gus = mode.client("dynamodb", user_with_key(iam, "gus", policy(allow("dynamodb:*"))))
    assert frank.get_item(TableName="shared-table", Key={"pk": {"S": "k"}})["Item"] == {"pk": {"S": "k"}}
    assert error_of(lambda: frank.put_item(TableName="shared-table", Item={"pk": {"S": "x"}}))[0] == (
        "AccessDeniedException"
    )
    gus.put_item(TableName="shared-table", Item={"pk": {"S": "g"}})  # his own policy allows it
    denied = error_of(lambda: gus.delete_item(TableName="shared-table", Key={"pk": {"S": "g"}}))
    assert denied[0] == "AccessDeniedException" and "explicit deny in a resource-based policy" in denied[1]


def test_a_request_signed_more_than_15_minutes_away_is_refused(
    mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode.begin(3)
    key = user_with_key(mode.client("iam"), "tess", policy(allow("*")))
    s3, ddb, sts = (mode.client(service, key) for service in ("s3", "dynamodb", "sts"))
    s3.list_buckets()  # a clock inside the window
    real = botocore.auth.get_current_datetime
    for shift, words in ((-20, "Signature expired: "), (20, "Signature not yet current: ")):
        monkeypatch.setattr(
            botocore.auth, "get_current_datetime", lambda s=shift: real() + dt.timedelta(minutes=s)
        )
        with pytest.raises(botocore.exceptions.ClientError) as info:
            s3.list_buckets()
        err = info.value.response["Error"]
        assert (err["Code"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]) == (
            "RequestTimeTooSkewed",
            403,
        )
        assert err["MaxAllowedSkewMilliseconds"] == "900000" and err["RequestTime"].endswith("Z")
        code, message, status = error_of(ddb.list_tables)
        assert (code, status) == ("InvalidSignatureException", 400) and message.startswith(words)
        code, message, status = error_of(sts.get_caller_identity)
        assert (code, status) == ("SignatureDoesNotMatch", 403) and message.startswith(words)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: real() - dt.timedelta(minutes=14))
    assert sts.get_caller_identity()["Arn"].endswith("user/tess")  # 14 minutes is inside
    # S3's older signature (SigV2) is dated by its Date header
    from email.utils import formatdate

    from botocore.config import Config

    v2 = mode.client("s3", key, config=Config(signature_version="s3", retries={"max_attempts": 1}))
    monkeypatch.setattr(botocore.auth.HmacV1Auth, "_get_date", lambda _self: formatdate(usegmt=True))
    v2.list_buckets()
    an_hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).timestamp()
    monkeypatch.setattr(
        botocore.auth.HmacV1Auth, "_get_date", lambda _self: formatdate(an_hour_ago, usegmt=True)
    )
    assert error_of(v2.list_buckets)[:3:2] == ("RequestTimeTooSkewed", 403)


def test_session_token_credentials_act_as_the_user(mode: Mode) -> None:
    mode.begin(3)
    key = user_with_key(mode.client("iam"), "gina", policy(allow(["iam:ListUsers", "sts:GetSessionToken"])))
    token = mode.client("sts", key).get_session_token(DurationSeconds=900)["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA")
    assert [u["UserName"] for u in mode.client("iam", token).list_users()["Users"]] == ["gina"]
    assert error_of(mode.client("iam", token).list_roles)[0] == "AccessDenied"


# -- mode-specific ------------------------------------------------------------------------------------


def test_expired_temporary_credentials(store: Store, app: Any) -> None:
    import datetime as dt

    from awsmock.models.sts import StsCredential

    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 4)
    iam = make("iam")
    key = user_with_key(iam, "hank", policy(allow("*")))
    sts = make("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    temp = make(
        "iam",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    temp.list_users()
    with store.session() as session:  # as if 15 minutes had passed
        row = session.get(StsCredential, creds["AccessKeyId"])
        assert row is not None
        row.expiration = row.expiration - dt.timedelta(hours=1)
    code, message, _ = error_of(temp.list_users)
    assert (code, message) == ("ExpiredToken", "The security token included in the request is expired")


def test_access_key_last_used_is_recorded(store: Store, app: Any) -> None:
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 5)
    key = user_with_key(make("iam"), "ivy")
    admin = user_with_key(make("iam"), "admin", policy(allow("iam:*")))
    make(
        "sts",
        region="eu-west-1",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    ).get_caller_identity()
    iam = make("iam", aws_access_key_id=admin["AccessKeyId"], aws_secret_access_key=admin["SecretAccessKey"])
    last = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert (last["ServiceName"], last["Region"]) == ("sts", "eu-west-1")
    assert "LastUsedDate" in last


def test_no_limit_means_never_authenticate(store: Store, app: Any) -> None:
    make = inprocess_client_factory(app)
    stranger = make("iam", aws_access_key_id="AKIAAAAAAAAAAAAAAAAA", aws_secret_access_key="x")
    for _ in range(3):
        stranger.list_users()
    set_initial_no_auth_action_count(store, 1)
    stranger.list_users()
    assert error_of(stranger.list_users)[0] == "InvalidClientTokenId"
    set_initial_no_auth_action_count(store, None)
    stranger.list_users()


def test_admin_auth_endpoint(auth_server: ServerProcess) -> None:
    status, body = _admin_json(auth_server, "POST", "/_awsmock/auth", {"initial_no_auth_action_count": 1})
    assert status == 200
    assert body == {
        "initial_no_auth_action_count": 1,
        "unauthenticated_action_count": 0,
        "authenticating": False,
    }
    iam = server_client(auth_server.url, "iam")
    iam.list_users()
    assert _admin_json(auth_server, "GET", "/_awsmock/auth")[1]["authenticating"] is True
    assert error_of(iam.list_users)[0] == "InvalidClientTokenId"
    assert _admin_json(auth_server, "POST", "/_awsmock/auth", {"initial_no_auth_action_count": "x"})[0] == 400
    assert _admin_json(auth_server, "POST", "/_awsmock/auth", {"nope": 1})[0] == 400
    status, body = _admin_json(auth_server, "POST", "/_awsmock/auth", {"initial_no_auth_action_count": None})
    assert status == 200 and body["initial_no_auth_action_count"] == 1000  # the server's environment
    iam.list_users()


def test_environment_variable_sets_the_count(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path / "data", env={"INITIAL_NO_AUTH_ACTION_COUNT": "2"}).start()
    try:
        iam = server_client(proc.url, "iam")
        iam.create_user(UserName="u")
        iam.list_users()
        assert error_of(iam.list_users)[0] == "InvalidClientTokenId"
    finally:
        proc.stop()


def test_presigned_urls_are_checked(mode: Mode) -> None:
    if mode.url is None:
        pytest.skip("plain HTTP needs a server")
    mode.begin(5)
    s3_root = mode.client("s3")
    s3_root.create_bucket(Bucket="presign-bucket")
    s3_root.put_object(Bucket="presign-bucket", Key="f.txt", Body=b"content")
    key = user_with_key(
        mode.client("iam"), "jill", policy(allow("s3:GetObject", "arn:aws:s3:::presign-bucket/*"))
    )
    from botocore.config import Config

    for version in ("s3v4", "s3"):
        s3 = mode.client("s3", key, config=Config(signature_version=version))
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "presign-bucket", "Key": "f.txt"})
        assert requests.get(url, timeout=10).content == b"content"
        assert requests.get(url.replace("f.txt", "g.txt"), timeout=10).status_code == 403
        put = s3.generate_presigned_url("put_object", Params={"Bucket": "presign-bucket", "Key": "f.txt"})
        assert requests.put(put, data=b"new", timeout=10).status_code == 403
    anonymous = urllib.request.Request(f"{mode.url}/presign-bucket/f.txt")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(anonymous, timeout=10)
    assert info.value.code == 403


def test_decorator_with_mock_aws() -> None:
    import boto3

    from awsmock import mock_aws
    from awsmock import set_initial_no_auth_action_count as decorator

    @mock_aws
    @decorator(3)
    def scenario() -> None:
        iam = boto3.client("iam", region_name="us-east-1")
        key = user_with_key(iam, "kim", policy(allow("iam:ListUsers")))
        kim = boto3.client(
            "iam",
            region_name="us-east-1",
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
        assert [u["UserName"] for u in kim.list_users()["Users"]] == ["kim"]
        assert error_of(kim.list_roles)[0] == "AccessDenied"
        assert error_of(iam.list_users)[0] == "InvalidClientTokenId"

    scenario()


def _jwt(claims: dict[str, Any]) -> str:
    import base64

    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJub25lIn0.{payload}.sig"


def test_web_identity_needs_the_roles_trust(mode: Mode) -> None:
    mode.begin(3)
    iam = mode.client("iam")
    provider = iam.create_open_id_connect_provider(
        Url="https://oidc.example.com", ClientIDList=["app"], ThumbprintList=["c" * 40]
    )["OpenIDConnectProviderArn"]
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"oidc.example.com:aud": "app"}},
        }
    )
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="web", PolicyName="p", PolicyDocument=policy(allow("iam:ListRoles")))
    sts = mode.client("sts")  # unsigned operations need no IAM key
    good = _jwt({"iss": "https://oidc.example.com", "sub": "u1", "aud": "app"})
    creds = sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="web1", WebIdentityToken=good)[
        "Credentials"
    ]
    assert [r["RoleName"] for r in mode.client("iam", creds).list_roles()["Roles"]] == ["web"]
    bad = _jwt({"iss": "https://oidc.example.com", "sub": "u1", "aud": "other"})
    code, message, _ = error_of(
        lambda: sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="web2", WebIdentityToken=bad)
    )
    assert (code, message) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def test_a_limit_set_in_the_environment_during_an_activation_applies_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3

    from awsmock import mock_aws

    monkeypatch.delenv("INITIAL_NO_AUTH_ACTION_COUNT", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.list_buckets()  # no limit anywhere: remembered for a moment
        monkeypatch.setenv("INITIAL_NO_AUTH_ACTION_COUNT", "0")
        with pytest.raises(botocore.exceptions.ClientError) as err:
            s3.list_buckets()
        assert err.value.response["Error"]["Code"] == "InvalidAccessKeyId"
        monkeypatch.delenv("INITIAL_NO_AUTH_ACTION_COUNT")
        s3.list_buckets()
