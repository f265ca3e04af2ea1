"""Imported certificates through boto3: what ACM reads from the PEM (subject, SANs, serial,
validity, key), chains, reimport onto the same ARN, and the refusals in AWS's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from tests.acm.conftest import ACCOUNT, error_of, key_pem, make_cert, pem_of


def test_import_reports_what_the_certificate_says(acm: Any) -> None:
    root = make_cert("Example Root", ca=True, days=3650)
    leaf, key = make_cert("site.example.com", sans=("site.example.com", "alt.example.com"), issuer=root)
    arn = acm.import_certificate(
        Certificate=pem_of(leaf),
        PrivateKey=key_pem(key),
        CertificateChain=pem_of(root[0]),
        Tags=[{"Key": "env", "Value": "test"}],
    )["CertificateArn"]
    assert arn.startswith(f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/")
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["Type"] == "IMPORTED" and cert["Status"] == "ISSUED"
    assert cert["DomainName"] == "site.example.com"
    assert cert["SubjectAlternativeNames"] == ["site.example.com", "alt.example.com"]
    assert cert["Serial"] == ":".join(
        f"{b:02x}" for b in leaf.serial_number.to_bytes(20, "big").lstrip(b"\0")
    )
    assert cert["Subject"] == "CN=site.example.com,O=Example Org"
    assert cert["Issuer"] == "Example Org"
    assert cert["NotBefore"] == leaf.not_valid_before_utc and cert["NotAfter"] == leaf.not_valid_after_utc
    assert cert["KeyAlgorithm"] == "EC-prime256v1" and cert["SignatureAlgorithm"] == "SHA256WITHECDSA"
    assert cert["ExtendedKeyUsages"] == [
        {"Name": "TLS_WEB_SERVER_AUTHENTICATION", "OID": "1.3.6.1.5.5.7.3.1"}
    ]
    assert cert["RenewalEligibility"] == "INELIGIBLE" and "ImportedAt" in cert and "CreatedAt" not in cert
    got = acm.get_certificate(CertificateArn=arn)
    assert got["Certificate"].encode() == pem_of(leaf) and got["CertificateChain"].encode() == pem_of(root[0])
    assert error_of(lambda: acm.export_certificate(CertificateArn=arn, Passphrase=b"secret")) == (
        "ValidationException",
        f"Certificate ARN: {arn} is not a private certificate",
    )

    # reimport keeps the ARN and the tags, and reports the new certificate
    newer, newer_key = make_cert("site.example.com", sans=("site.example.com", "new.example.com"))
    again = acm.import_certificate(
        CertificateArn=arn, Certificate=pem_of(newer), PrivateKey=key_pem(newer_key)
    )
    assert again["CertificateArn"] == arn
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["SubjectAlternativeNames"] == ["site.example.com", "new.example.com"]
    assert "CertificateChain" not in acm.get_certificate(CertificateArn=arn)
    assert acm.list_tags_for_certificate(CertificateArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
    listed = acm.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})["CertificateSummaryList"]
    assert [(c["CertificateArn"], c["Type"], c["KeyAlgorithm"]) for c in listed] == [
        (arn, "IMPORTED", "EC_prime256v1")
    ]
    assert acm.list_certificates()["CertificateSummaryList"] == []  # RSA 1024/2048 only by default


def test_import_refusals(acm: Any) -> None:
    leaf, key = make_cert("a.example.com")
    other_key = ec.generate_private_key(ec.SECP256R1())
    root = make_cert("Root", ca=True)
    intermediate = make_cert("Intermediate", ca=True, issuer=root)
    chained, chained_key = make_cert("b.example.com", issuer=intermediate)
    cases = [
        (
            dict(Certificate=b"junk", PrivateKey=key_pem(key)),
            "Unable to parse certificate. Please ensure the certificate is in PEM format.",
        ),
        (
            dict(Certificate=pem_of(leaf) + pem_of(leaf), PrivateKey=key_pem(key)),
            "The certificate field contains more than one certificate. You can specify only one certificate in this field.",
        ),
        (
            dict(Certificate=pem_of(leaf), PrivateKey=b"junk"),
            "Unable to parse private key. Please ensure the private key is in PEM format.",
        ),
        (
            dict(Certificate=pem_of(leaf), PrivateKey=key_pem(other_key)),
            "The private key does not match the public key in the certificate.",
        ),
        (
            dict(
                Certificate=pem_of(chained),
                PrivateKey=key_pem(chained_key),
                CertificateChain=pem_of(root[0]) + pem_of(intermediate[0]),
            ),
            "Unable to validate certificate chain. The certificate chain must start with the immediate signing "
            "certificate, followed by any intermediaries in order. The index within the chain of the invalid "
            "certificate is: 0",
        ),
    ]
    for kwargs, message in cases:
        assert error_of(lambda kwargs=kwargs: acm.import_certificate(**kwargs)) == (
            "ValidationException",
            message,
        )
    expired, expired_key = make_cert("old.example.com", start=dt.datetime(2001, 1, 1, tzinfo=dt.UTC))
    code, _ = error_of(
        lambda: acm.import_certificate(Certificate=pem_of(expired), PrivateKey=key_pem(expired_key))
    )
    assert code == "ValidationException"
    missing = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000"
    assert error_of(
        lambda: acm.import_certificate(
            CertificateArn=missing, Certificate=pem_of(leaf), PrivateKey=key_pem(key)
        )
    ) == ("ResourceNotFoundException", f"Could not find certificate {missing}.")
    assert acm.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})["CertificateSummaryList"] == []
    ok = acm.import_certificate(
        Certificate=pem_of(chained),
        PrivateKey=key_pem(chained_key),
        CertificateChain=pem_of(intermediate[0]) + pem_of(root[0]),
    )
    assert acm.get_certificate(CertificateArn=ok["CertificateArn"])["CertificateChain"].count("BEGIN") == 2
