"""Service last accessed data from the requests awsmock served, and the policies that grant a
service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine

from tests.iam.helpers import ACCOUNT, TRUST_ACCOUNT, allow, doc, error

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _user(iam: Any, name: str, *statements: dict[str, Any]) -> dict[str, str]:
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=doc(*statements))
    key: dict[str, str] = iam.create_access_key(UserName=name)["AccessKey"]
    return key


def _admin(clients: Callable[..., Any], service: str = "iam") -> Any:
    """A client of a user allowed everything, for the calls made once authentication is on."""
    iam = clients("iam")
    key = _user(iam, "admin", allow("*"))
    clients.admin_key = key
    return clients(service, key)


def _report(iam: Any, arn: str, **kw: Any) -> dict[str, Any]:
    job = iam.generate_service_last_accessed_details(Arn=arn, **kw)["JobId"]
    assert len(job) == 36
    out: dict[str, Any] = iam.get_service_last_accessed_details(JobId=job)
    out["JobId"] = job
    return out


def test_a_users_report_lists_allowed_services_and_when_it_used_them(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    key = _user(iam, "alice", allow(["s3:*", "sqs:ListQueues"]), allow("dynamodb:Get*"))
    arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    admin = _admin(clients)
    clients.on()  # type: ignore[attr-defined]
    with time_machine.travel(T0, tick=False):
        clients("s3", key).list_buckets()
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        alice_sqs = clients("sqs", key)
        alice_sqs.list_queues()
    report = _report(admin, arn)
    assert report["JobStatus"] == "COMPLETED" and report["JobType"] == "SERVICE_LEVEL"
    by_ns = {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]}
    assert set(by_ns) == {"dynamodb", "s3", "sqs"}
    assert by_ns["s3"]["ServiceName"] == "Amazon Simple Storage Service"
    assert by_ns["s3"]["LastAuthenticated"] == T0
    assert by_ns["s3"]["LastAuthenticatedEntity"] == arn
    assert by_ns["s3"]["LastAuthenticatedRegion"] == "us-east-1"
    assert by_ns["s3"]["TotalAuthenticatedEntities"] == 1
    assert by_ns["sqs"]["LastAuthenticated"] == T0 + dt.timedelta(minutes=5)
    # allowed but never used: listed without a last access
    assert "LastAuthenticated" not in by_ns["dynamodb"]
    assert by_ns["dynamodb"]["TotalAuthenticatedEntities"] == 0


def test_a_denied_service_is_not_listed_and_the_report_is_kept_as_generated(
    clients: Callable[..., Any],
) -> None:
    iam = clients("iam")
    key = _user(iam, "bob", allow("*"), {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"})
    admin = _admin(clients)
    clients.on()  # type: ignore[attr-defined]
    clients("s3", key).list_buckets()
    report = _report(admin, f"arn:aws:iam::{ACCOUNT}:user/bob")
    namespaces = [s["ServiceNamespace"] for s in report["ServicesLastAccessed"]]
    assert "sqs" not in namespaces and {"s3", "iam", "dynamodb"} <= set(namespaces)
    assert namespaces == sorted(namespaces)
    page = admin.get_service_last_accessed_details(JobId=report["JobId"], MaxItems=2)
    assert page["IsTruncated"] and len(page["ServicesLastAccessed"]) == 2
    rest = admin.get_service_last_accessed_details(JobId=report["JobId"], Marker=page["Marker"])
    assert [
        s["ServiceNamespace"] for s in page["ServicesLastAccessed"] + rest["ServicesLastAccessed"]
    ] == namespaces


def test_a_role_counts_its_sessions_and_action_level_tracks_actions(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.put_role_policy(RoleName="worker", PolicyName="p", PolicyDocument=doc(allow(["s3:*", "iam:GetUser"])))
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/worker"
    admin = _admin(clients)
    clients.on()  # type: ignore[attr-defined]
    with time_machine.travel(T0, tick=False):
        sts = clients("sts", clients.admin_key)  # type: ignore[attr-defined]
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="session")["Credentials"]
        s3 = clients("s3", {"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"]})
        s3.meta.events.register(
            "before-sign.s3.*",
            lambda request, **_: request.headers.__setitem__("X-Amz-Security-Token", creds["SessionToken"]),
        )
        s3.list_buckets()
    report = _report(admin, role_arn, Granularity="ACTION_LEVEL")
    assert report["JobType"] == "ACTION_LEVEL"
    s3_entry = next(s for s in report["ServicesLastAccessed"] if s["ServiceNamespace"] == "s3")
    assert s3_entry["LastAuthenticatedEntity"] == role_arn and s3_entry["LastAuthenticated"] == T0
    assert s3_entry["TrackedActionsLastAccessed"] == [
        {
            "ActionName": "ListAllMyBuckets",
            "LastAccessedEntity": role_arn,
            "LastAccessedTime": T0,
            "LastAccessedRegion": "us-east-1",
        }
    ]
    iam_entry = next(s for s in report["ServicesLastAccessed"] if s["ServiceNamespace"] == "iam")
    assert iam_entry["TrackedActionsLastAccessed"] == [] and iam_entry["TotalAuthenticatedEntities"] == 0
    last = admin.get_role(RoleName="worker")["Role"]["RoleLastUsed"]
    assert last == {"LastUsedDate": T0, "Region": "us-east-1"}


def test_group_and_policy_reports_list_their_entities(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    policy_arn = iam.create_policy(PolicyName="read", PolicyDocument=doc(allow("s3:List*")))["Policy"]["Arn"]
    iam.create_group(GroupName="team")
    iam.attach_group_policy(GroupName="team", PolicyArn=policy_arn)
    keys = {}
    for name in ("ann", "ben"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="team", UserName=name)
        keys[name] = iam.create_access_key(UserName=name)["AccessKey"]
    admin = _admin(clients)
    clients.on()  # type: ignore[attr-defined]
    with time_machine.travel(T0, tick=False):
        clients("s3", keys["ben"]).list_buckets()
    for arn in (f"arn:aws:iam::{ACCOUNT}:group/team", policy_arn):
        report = _report(admin, arn)
        assert [s["ServiceNamespace"] for s in report["ServicesLastAccessed"]] == ["s3"]
        assert report["ServicesLastAccessed"][0]["LastAuthenticatedEntity"].endswith(":user/ben")
        entities = admin.get_service_last_accessed_details_with_entities(
            JobId=report["JobId"], ServiceNamespace="s3"
        )["EntityDetailsList"]
        assert [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"]) for e in entities] == [
            ("ben", "USER"),
            ("ann", "USER"),
        ]
        assert entities[0]["LastAuthenticated"] == T0 and "LastAuthenticated" not in entities[1]


def test_reports_refuse_unknown_entities_and_jobs(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    code, message = error(
        lambda: iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCOUNT}:user/nobody")
    )
    assert (code, message) == ("NoSuchEntity", "The user with name nobody cannot be found.")
    assert error(lambda: iam.generate_service_last_accessed_details(Arn="arn:aws:s3:::bucket-name"))[0] == (
        "InvalidInput"
    )
    assert error(lambda: iam.get_service_last_accessed_details(JobId="0" * 36))[0] == "NoSuchEntity"


def test_list_policies_granting_service_access(clients: Callable[..., Any]) -> None:
    iam = clients("iam")
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="own", PolicyDocument=doc(allow("sqs:SendMessage")))
    managed = iam.create_policy(PolicyName="s3-read", PolicyDocument=doc(allow("s3:Get*")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="carol", PolicyArn=managed)
    iam.create_group(GroupName="ops")
    iam.put_group_policy(GroupName="ops", PolicyName="all", PolicyDocument=doc(allow("*")))
    iam.add_user_to_group(GroupName="ops", UserName="carol")
    out = iam.list_policies_granting_service_access(
        Arn=f"arn:aws:iam::{ACCOUNT}:user/carol", ServiceNamespaces=["s3", "sqs", "kms"]
    )
    assert not out["IsTruncated"]
    got = {e["ServiceNamespace"]: e["Policies"] for e in out["PoliciesGrantingServiceAccess"]}
    group_inline = {"PolicyName": "all", "PolicyType": "INLINE", "EntityType": "GROUP", "EntityName": "ops"}
    assert got["s3"] == [
        {"PolicyName": "s3-read", "PolicyType": "MANAGED", "PolicyArn": managed},
        group_inline,
    ]
    assert got["sqs"] == [
        {"PolicyName": "own", "PolicyType": "INLINE", "EntityType": "USER", "EntityName": "carol"},
        group_inline,
    ]
    assert got["kms"] == [group_inline]
