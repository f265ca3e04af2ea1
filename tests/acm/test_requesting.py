"""Requested certificates through boto3: pending validation then issued (on a frozen clock, and
through the certificate_validated waiter), DNS records and emails as AWS shows them, key
algorithms, idempotency, a TLS client loading what ACM issued; errors in AWS's words."""

from __future__ import annotations

import datetime as dt
import re
import ssl
from typing import Any

import pytest
import time_machine
from cryptography import x509
from cryptography.x509 import verification

from tests.acm.conftest import ACCOUNT, error_of

START = dt.datetime(2030, 3, 1, 12, 0, tzinfo=dt.UTC)
ARN = re.compile(rf"^arn:aws:acm:us-east-1:{ACCOUNT}:certificate/[0-9a-f-]{{36}}$")


def test_dns_validation_pending_then_issued_on_the_clock(acm: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        arn = acm.request_certificate(
            DomainName="example.com",
            ValidationMethod="DNS",
            SubjectAlternativeNames=["*.example.com", "api.example.com"],
        )["CertificateArn"]
        assert ARN.match(arn)
        cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        assert cert["Status"] == "PENDING_VALIDATION" and cert["Type"] == "AMAZON_ISSUED"
        assert cert["SubjectAlternativeNames"] == ["example.com", "*.example.com", "api.example.com"]
        assert "Serial" not in cert and "NotBefore" not in cert and cert["KeyUsages"] == []
        options = cert["DomainValidationOptions"]
        assert [o["DomainName"] for o in options] == ["example.com", "*.example.com", "api.example.com"]
        assert {o["ValidationStatus"] for o in options} == {"PENDING_VALIDATION"}
        record = options[0]["ResourceRecord"]
        assert re.fullmatch(r"_[0-9a-f]{32}\.example\.com\.", record["Name"])
        assert re.fullmatch(r"_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.", record["Value"])
        assert record["Type"] == "CNAME"
        assert options[1]["ResourceRecord"] == record  # a wildcard is validated by its base domain
        assert options[2]["ResourceRecord"]["Name"].endswith(".api.example.com.")
        assert error_of(lambda: acm.get_certificate(CertificateArn=arn)) == (
            "RequestInProgressException",
            f"Certificate {arn} is not yet issued.",
        )

        clock.shift(1)
        cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        assert cert["Status"] == "ISSUED"
        assert {o["ValidationStatus"] for o in cert["DomainValidationOptions"]} == {"SUCCESS"}
        assert cert["IssuedAt"] == START + dt.timedelta(seconds=1)
        assert cert["NotBefore"] == START + dt.timedelta(seconds=1)
        assert cert["NotAfter"] == START + dt.timedelta(days=395)
        assert cert["KeyAlgorithm"] == "RSA-2048" and cert["SignatureAlgorithm"] == "SHA256WITHRSA"
        assert [u["Name"] for u in cert["KeyUsages"]] == ["DIGITAL_SIGNATURE", "KEY_ENCIPHERMENT"]
        assert cert["ExtendedKeyUsages"][0] == {
            "Name": "TLS_WEB_SERVER_AUTHENTICATION",
            "OID": "1.3.6.1.5.5.7.3.1",
        }
        assert re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2})+", cert["Serial"])
        assert cert["Subject"] == "CN=example.com" and cert["InUseBy"] == []
        assert cert["Options"] == {
            "CertificateTransparencyLoggingPreference": "ENABLED",
            "Export": "DISABLED",
        }

        # the same account and domain get the same record in a later request
        again = acm.request_certificate(DomainName="example.com", ValidationMethod="DNS")["CertificateArn"]
        later = acm.describe_certificate(CertificateArn=again)["Certificate"]
        assert later["DomainValidationOptions"][0]["ResourceRecord"] == record


def test_certificate_validated_waiter(acm: Any) -> None:
    arn = acm.request_certificate(DomainName="waiter.example.com", ValidationMethod="DNS")["CertificateArn"]
    acm.get_waiter("certificate_validated").wait(
        CertificateArn=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
    )
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


def test_a_tls_client_loads_the_issued_certificate(acm: Any, tmp_path: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        arn = acm.request_certificate(
            DomainName="shop.example.org",
            SubjectAlternativeNames=["*.shop.example.org"],
            ValidationMethod="DNS",
            Options={"Export": "ENABLED"},
        )["CertificateArn"]
        clock.shift(5)
        got = acm.get_certificate(CertificateArn=arn)
        exported = acm.export_certificate(CertificateArn=arn, Passphrase=b"correct horse")
    assert exported["Certificate"] == got["Certificate"]
    assert exported["CertificateChain"] == got["CertificateChain"]
    assert exported["PrivateKey"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")

    leaf = x509.load_pem_x509_certificate(got["Certificate"].encode())
    chain = x509.load_pem_x509_certificates(got["CertificateChain"].encode())
    assert len(chain) == 2 and chain[-1].subject == chain[-1].issuer  # an intermediate, then the root
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["shop.example.org", "*.shop.example.org"]
    at = START + dt.timedelta(days=1)
    builder = verification.PolicyBuilder().store(verification.Store([chain[-1]])).time(at)
    for name in ("shop.example.org", "cart.shop.example.org"):
        verified = builder.build_server_verifier(verification.DNSName(name)).verify(leaf, chain[:-1])
        assert verified[0] == leaf and verified[-1] == chain[-1]
    with pytest.raises(verification.VerificationError):
        builder.build_server_verifier(verification.DNSName("example.com")).verify(leaf, chain[:-1])

    # a TLS server loads the exported certificate and passphrase-protected key
    (tmp_path / "cert.pem").write_text(got["Certificate"] + got["CertificateChain"])
    (tmp_path / "key.pem").write_text(exported["PrivateKey"])
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem", password="correct horse")
    with pytest.raises(ssl.SSLError):
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(
            tmp_path / "cert.pem", tmp_path / "key.pem", password="wrong"
        )
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["RenewalEligibility"] == "ELIGIBLE"
    listed = acm.list_certificates()["CertificateSummaryList"]
    assert [(c["Exported"], c["ExportOption"]) for c in listed] == [(True, "ENABLED")]


def test_email_validation_and_resending(acm: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        arn = acm.request_certificate(
            DomainName="www.example.net",
            SubjectAlternativeNames=["mail.example.net"],
            DomainValidationOptions=[{"DomainName": "mail.example.net", "ValidationDomain": "example.net"}],
        )["CertificateArn"]
        options = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
        assert options[0]["ValidationMethod"] == "EMAIL" and "ResourceRecord" not in options[0]
        assert options[0]["ValidationDomain"] == "www.example.net"
        assert options[0]["ValidationEmails"] == [
            f"{box}@www.example.net"
            for box in ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
        ]
        assert options[1]["ValidationDomain"] == "example.net"
        assert options[1]["ValidationEmails"][0] == "admin@example.net"

        acm.resend_validation_email(
            CertificateArn=arn, Domain="www.example.net", ValidationDomain="example.net"
        )
        options = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
        assert options[0]["ValidationDomain"] == "example.net"
        code, _ = error_of(
            lambda: acm.resend_validation_email(
                CertificateArn=arn, Domain="www.example.net", ValidationDomain="other.net"
            )
        )
        assert code == "InvalidDomainValidationOptionsException"
        code, _ = error_of(
            lambda: acm.resend_validation_email(
                CertificateArn=arn, Domain="x.example.net", ValidationDomain="example.net"
            )
        )
        assert code == "InvalidDomainValidationOptionsException"
        clock.shift(2)
        code, _ = error_of(
            lambda: acm.resend_validation_email(
                CertificateArn=arn, Domain="www.example.net", ValidationDomain="example.net"
            )
        )
        assert code == "InvalidStateException"


def test_key_algorithms_idempotency_and_private_cas(acm: Any) -> None:
    first = acm.request_certificate(
        DomainName="ec.example.com", KeyAlgorithm="EC_prime256v1", IdempotencyToken="t1"
    )
    second = acm.request_certificate(
        DomainName="ec.example.com", KeyAlgorithm="EC_prime256v1", IdempotencyToken="t1"
    )
    assert first["CertificateArn"] == second["CertificateArn"]
    acm.request_certificate(DomainName="rsa.example.com", IdempotencyToken="t2")
    cert = acm.describe_certificate(CertificateArn=first["CertificateArn"])["Certificate"]
    assert cert["KeyAlgorithm"] == "EC-prime256v1"

    private = acm.request_certificate(
        DomainName="internal.example",
        CertificateAuthorityArn=f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/0000",
    )["CertificateArn"]
    described = acm.describe_certificate(CertificateArn=private)["Certificate"]
    assert (described["Type"], described["Status"], described["FailureReason"]) == (
        "PRIVATE",
        "FAILED",
        "PCA_RESOURCE_NOT_FOUND",
    )
    assert "DomainValidationOptions" not in described


def test_request_errors(acm: Any) -> None:
    code, message = error_of(
        lambda: acm.request_certificate(
            DomainName="example.com",
            DomainValidationOptions=[{"DomainName": "example.com", "ValidationDomain": "example.org"}],
        )
    )
    assert code == "InvalidDomainValidationOptionsException" and "example.org" in message
    code, _ = error_of(
        lambda: acm.request_certificate(
            DomainName="example.com",
            DomainValidationOptions=[{"DomainName": "other.com", "ValidationDomain": "other.com"}],
        )
    )
    assert code == "InvalidDomainValidationOptionsException"
    code, message = error_of(lambda: acm.request_certificate(DomainName="not a domain"))
    assert code == "ValidationException" and "at 'domainName'" in message
    long_name = "a" * 60 + ".example.com"
    code, _ = error_of(lambda: acm.request_certificate(DomainName=long_name))
    assert code == "ValidationException"
    code, _ = error_of(
        lambda: acm.request_certificate(DomainName="example.com", Tags=[{"Key": "aws:x", "Value": "1"}])
    )
    assert code == "InvalidTagException"
    assert (
        acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1"]})["CertificateSummaryList"]
        == []
    )
