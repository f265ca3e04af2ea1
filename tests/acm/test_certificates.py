"""Certificates after issue through boto3: renewal, revocation, options, deletion and use by
other services, tags, the account's configuration, listings' filters, order and pages, and the
names that name nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from awsmock.engine.context import RequestContext
from tests.acm.conftest import ACCOUNT, error_of

START = dt.datetime(2031, 5, 1, 8, 0, tzinfo=dt.UTC)
MISSING = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"


def _request(acm: Any, domain: str, **kw: Any) -> str:
    arn: str = acm.request_certificate(DomainName=domain, ValidationMethod="DNS", **kw)["CertificateArn"]
    return arn


def test_renew_revoke_and_options(acm: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        plain = _request(acm, "plain.example.com")
        exportable = _request(acm, "export.example.com", Options={"Export": "ENABLED"})
        assert error_of(lambda: acm.renew_certificate(CertificateArn=exportable)) == (
            "RequestInProgressException",
            f"Certificate {exportable} is not yet issued.",
        )
        clock.shift(60)
        assert error_of(lambda: acm.renew_certificate(CertificateArn=plain)) == (
            "ValidationException",
            f"Certificate {plain} is not eligible for renewal.",
        )
        before = acm.describe_certificate(CertificateArn=exportable)["Certificate"]
        clock.shift(dt.timedelta(days=300))
        acm.renew_certificate(CertificateArn=exportable)
        after = acm.describe_certificate(CertificateArn=exportable)["Certificate"]
        assert after["Serial"] != before["Serial"]
        assert after["NotBefore"] == START + dt.timedelta(days=300, seconds=60)
        assert after["RenewalSummary"]["RenewalStatus"] == "SUCCESS"
        assert after["RenewalSummary"]["DomainValidationOptions"][0]["ValidationStatus"] == "SUCCESS"

        acm.update_certificate_options(
            CertificateArn=plain, Options={"CertificateTransparencyLoggingPreference": "DISABLED"}
        )
        assert acm.describe_certificate(CertificateArn=plain)["Certificate"]["Options"] == {
            "CertificateTransparencyLoggingPreference": "DISABLED",
            "Export": "DISABLED",
        }
        code, _ = error_of(
            lambda: acm.revoke_certificate(CertificateArn=plain, RevocationReason="KEY_COMPROMISE")
        )
        assert code == "ValidationException"
        revoked = acm.revoke_certificate(CertificateArn=exportable, RevocationReason="KEY_COMPROMISE")
        assert revoked["CertificateArn"] == exportable
        cert = acm.describe_certificate(CertificateArn=exportable)["Certificate"]
        assert (cert["Status"], cert["RevocationReason"], cert["RevokedAt"]) == (
            "REVOKED",
            "KEY_COMPROMISE",
            clock_now(START, 300, 60),
        )
        assert cert["RenewalEligibility"] == "INELIGIBLE"
        statuses = {
            c["CertificateArn"]: c["Status"] for c in acm.list_certificates()["CertificateSummaryList"]
        }
        assert statuses == {plain: "ISSUED", exportable: "REVOKED"}
        clock.shift(dt.timedelta(days=100))  # past plain's NotAfter (395 days)
        assert acm.describe_certificate(CertificateArn=plain)["Certificate"]["Status"] == "EXPIRED"
        expired = acm.list_certificates(CertificateStatuses=["EXPIRED"])["CertificateSummaryList"]
        assert [c["CertificateArn"] for c in expired] == [plain]


def clock_now(start: dt.datetime, days: int, seconds: int) -> dt.datetime:
    return start + dt.timedelta(days=days, seconds=seconds)


def test_in_use_certificates_cannot_be_deleted(acm: Any, app: Any) -> None:
    from awsmock.services.acm import internal

    arn = _request(acm, "lb.example.com")
    user = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/1"
    with app.store.transaction() as tx:
        internal.use(RequestContext("elbv2", "CreateListener", tx, app.store), arn, user)
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["InUseBy"] == [user] and cert["RenewalEligibility"] == "ELIGIBLE"
    assert acm.list_certificates()["CertificateSummaryList"][0]["InUse"] is True
    assert error_of(lambda: acm.delete_certificate(CertificateArn=arn)) == (
        "ResourceInUseException",
        f"Certificate {arn} is in use by {user} and cannot be deleted.",
    )
    with app.store.transaction() as tx:
        internal.release(RequestContext("elbv2", "DeleteListener", tx, app.store), arn, user)
    acm.delete_certificate(CertificateArn=arn)
    assert error_of(lambda: acm.describe_certificate(CertificateArn=arn)) == (
        "ResourceNotFoundException",
        f"Could not find certificate {arn} in account {ACCOUNT}.",
    )


def test_names_that_name_nothing(acm: Any) -> None:
    for call in (
        acm.describe_certificate,
        acm.get_certificate,
        acm.delete_certificate,
        acm.list_tags_for_certificate,
    ):
        assert error_of(lambda call=call: call(CertificateArn=MISSING)) == (
            "ResourceNotFoundException",
            f"Could not find certificate {MISSING} in account {ACCOUNT}.",
        )
    code, message = error_of(lambda: acm.describe_certificate(CertificateArn="arn:aws:s3:::bucket-name-here"))
    assert code == "ValidationException" and "at 'certificateArn'" in message
    bad = f"arn:aws:acm:us-east-1:{ACCOUNT}:key/abc"
    assert error_of(lambda: acm.describe_certificate(CertificateArn=bad)) == (
        "InvalidArnException",
        f"{bad} is not a valid certificate ARN.",
    )
    elsewhere = acm.request_certificate(DomainName="x.example.com")["CertificateArn"].replace(
        "us-east-1", "eu-west-1"
    )
    assert (
        error_of(lambda: acm.describe_certificate(CertificateArn=elsewhere))[0] == "ResourceNotFoundException"
    )


def test_tags(acm: Any) -> None:
    arn = _request(acm, "tags.example.com", Tags=[{"Key": "team", "Value": "web"}])
    acm.add_tags_to_certificate(CertificateArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "flag"}])
    assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "flag"},
        {"Key": "team", "Value": "web"},
    ]
    acm.remove_tags_from_certificate(
        CertificateArn=arn, Tags=[{"Key": "env", "Value": "other"}, {"Key": "flag"}]
    )
    assert [t["Key"] for t in acm.list_tags_for_certificate(CertificateArn=arn)["Tags"]] == ["env", "team"]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(49)]
    code, _ = error_of(lambda: acm.add_tags_to_certificate(CertificateArn=arn, Tags=many))
    assert code == "TooManyTagsException"
    code, _ = error_of(
        lambda: acm.add_tags_to_certificate(CertificateArn=arn, Tags=[{"Key": "bad#key", "Value": "v"}])
    )
    assert code == "InvalidTagException"
    code, _ = error_of(
        lambda: acm.add_tags_to_certificate(CertificateArn=arn, Tags=[{"Key": "aws:x", "Value": "v"}])
    )
    assert code == "InvalidTagException"
    assert len(acm.list_tags_for_certificate(CertificateArn=arn)["Tags"]) == 2


def test_account_configuration(acm: Any) -> None:
    assert acm.get_account_configuration()["ExpiryEvents"] == {"DaysBeforeExpiry": 45}
    acm.put_account_configuration(ExpiryEvents={"DaysBeforeExpiry": 10}, IdempotencyToken="tok")
    assert acm.get_account_configuration()["ExpiryEvents"] == {"DaysBeforeExpiry": 10}
    code, _ = error_of(
        lambda: acm.put_account_configuration(ExpiryEvents={"DaysBeforeExpiry": 46}, IdempotencyToken="tok2")
    )
    assert code == "ValidationException"
    assert acm.get_account_configuration()["ExpiryEvents"] == {"DaysBeforeExpiry": 10}


def test_listing_filters_order_and_pages(acm: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        made = []
        for i in range(5):
            made.append(_request(acm, f"n{i}.example.com"))
            clock.shift(1)
        ec = _request(acm, "ec.example.com", KeyAlgorithm="EC_secp384r1", Options={"Export": "ENABLED"})
        clock.shift(1)
        pending = _request(acm, "pending.example.com")
        names = [
            c["CertificateArn"] for c in acm.list_certificates(SortBy="CREATED_AT")["CertificateSummaryList"]
        ]
        assert names == [*made, pending]
        assert [
            c["CertificateArn"]
            for c in acm.list_certificates(SortBy="CREATED_AT", SortOrder="DESCENDING")[
                "CertificateSummaryList"
            ]
        ] == [pending, *reversed(made)]
        assert [
            c["CertificateArn"]
            for c in acm.list_certificates(CertificateStatuses=["PENDING_VALIDATION"])[
                "CertificateSummaryList"
            ]
        ] == [pending]
        everything = {"keyTypes": ["RSA_2048", "EC_secp384r1"]}
        exportable = acm.list_certificates(Includes={**everything, "exportOption": "ENABLED"})
        assert [c["CertificateArn"] for c in exportable["CertificateSummaryList"]] == [ec]
        server = acm.list_certificates(
            Includes={**everything, "extendedKeyUsage": ["TLS_WEB_SERVER_AUTHENTICATION"]}
        )["CertificateSummaryList"]
        assert len(server) == 6  # the pending certificate has no extensions to show yet
        assert acm.list_certificates(Includes={"keyUsage": ["CRL_SIGNING"]})["CertificateSummaryList"] == []

        pages = list(
            acm.get_paginator("list_certificates").paginate(
                SortBy="CREATED_AT", PaginationConfig={"PageSize": 2}
            )
        )
        assert [len(p["CertificateSummaryList"]) for p in pages] == [2, 2, 2]
        assert [c["CertificateArn"] for p in pages for c in p["CertificateSummaryList"]] == [*made, pending]
        code, _ = error_of(lambda: acm.list_certificates(NextToken="bm90LWEtdG9rZW4="))
        assert code == "InvalidArgsException"


def test_the_dashboard_lists_certificates(acm: Any, app: Any) -> None:
    import falcon.testing

    from tests.dashboard.conftest import group, names

    arn = _request(acm, "dash.example.com", Tags=[{"Key": "team", "Value": "web"}])
    body = falcon.testing.TestClient(app).simulate_get("/_awsmock/dashboard/acm/resources").json
    listing = group(body, "certificates")
    assert names(listing) == ["dash.example.com"]
    assert listing["items"][0]["arn"] == arn and listing["items"][0]["tags"] == {"team": "web"}
