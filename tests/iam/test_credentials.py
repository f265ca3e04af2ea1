"""Access keys, certificates, MFA devices, identity providers and account-level IAM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.iam.helpers import ACCOUNT, error


def self_signed(days: int = 30) -> tuple[str, str, dt.datetime]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.com")])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, private, now + dt.timedelta(days=days)


def test_access_keys(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="u")
    first = iam.create_access_key(UserName="u")["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40 and first["Status"] == "Active"
    iam.create_access_key(UserName="u")
    assert error(lambda: iam.create_access_key(UserName="u")) == (
        "LimitExceeded",
        "Cannot exceed quota for AccessKeysPerUser: 2",
    )
    iam.update_access_key(UserName="u", AccessKeyId=first["AccessKeyId"], Status="Inactive")
    statuses = {
        k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="u")["AccessKeyMetadata"]
    }
    assert statuses[first["AccessKeyId"]] == "Inactive" and len(statuses) == 2
    last = iam.get_access_key_last_used(AccessKeyId=first["AccessKeyId"])
    assert last["UserName"] == "u" and last["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    assert error(lambda: iam.delete_user(UserName="u")) == (
        "DeleteConflict",
        "Cannot delete entity, must delete access keys first.",
    )
    for key in statuses:
        iam.delete_access_key(UserName="u", AccessKeyId=key)
    assert error(lambda: iam.delete_access_key(UserName="u", AccessKeyId=first["AccessKeyId"])) == (
        "NoSuchEntity",
        f"The Access Key with id {first['AccessKeyId']} cannot be found.",
    )


def test_server_certificates(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    body, key, expires = self_signed()
    meta = iam.upload_server_certificate(
        ServerCertificateName="web", CertificateBody=body, PrivateKey=key, Path="/cloudfront/"
    )["ServerCertificateMetadata"]
    assert meta["Arn"] == f"arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/web"
    assert meta["Expiration"] == expires
    got = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
    assert got["CertificateBody"] == body
    _, other_key, _ = self_signed()
    assert (
        error(
            lambda: iam.upload_server_certificate(
                ServerCertificateName="x", CertificateBody=body, PrivateKey=other_key
            )
        )[0]
        == "KeyPairMismatch"
    )
    assert (
        error(
            lambda: iam.upload_server_certificate(
                ServerCertificateName="x", CertificateBody="junk", PrivateKey=key
            )
        )[0]
        == "MalformedCertificate"
    )
    iam.update_server_certificate(ServerCertificateName="web", NewServerCertificateName="site")
    names = [
        m["ServerCertificateName"]
        for m in iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
    ]
    assert names == ["site"]
    iam.delete_server_certificate(ServerCertificateName="site")
    assert error(lambda: iam.get_server_certificate(ServerCertificateName="site"))[0] == "NoSuchEntity"


def test_signing_certificates(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="u")
    body, _, _ = self_signed()
    cert = iam.upload_signing_certificate(UserName="u", CertificateBody=body)["Certificate"]
    assert cert["Status"] == "Active"
    assert error(lambda: iam.upload_signing_certificate(UserName="u", CertificateBody=body))[0] == (
        "DuplicateCertificate"
    )
    iam.update_signing_certificate(UserName="u", CertificateId=cert["CertificateId"], Status="Inactive")
    assert iam.list_signing_certificates(UserName="u")["Certificates"][0]["Status"] == "Inactive"
    iam.delete_signing_certificate(UserName="u", CertificateId=cert["CertificateId"])
    assert iam.list_signing_certificates(UserName="u")["Certificates"] == []


def test_mfa_devices(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="u")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT}:mfa/phone"
    assert len(device["Base32StringSeed"]) > 16 and device["QRCodePNG"].startswith(b"\x89PNG")
    assert (
        iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"][0]["SerialNumber"]
        == serial
    )
    assert error(  # the code's documented pattern is checked before the device is
        lambda: iam.enable_mfa_device(
            UserName="u", SerialNumber=serial, AuthenticationCode1="12345a", AuthenticationCode2="654321"
        )
    ) == (
        "ValidationError",
        "1 validation error detected: Value '12345a' at 'authenticationCode1' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\d]+",
    )
    iam.enable_mfa_device(
        UserName="u", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
    )
    assert iam.list_mfa_devices(UserName="u")["MFADevices"][0]["SerialNumber"] == serial
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "u"
    assert error(lambda: iam.delete_virtual_mfa_device(SerialNumber=serial))[0] == "DeleteConflict"
    iam.deactivate_mfa_device(UserName="u", SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_identity_providers(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    metadata = '<EntityDescriptor validUntil="2030-01-01T00:00:00Z">' + "x" * 1000 + "</EntityDescriptor>"
    arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=metadata)["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata and got["ValidUntil"].year == 2030
    assert [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]] == [arn]
    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert error(lambda: iam.get_saml_provider(SAMLProviderArn=arn))[0] == "NoSuchEntity"

    oidc = iam.create_open_id_connect_provider(
        Url="https://token.example.com", ClientIDList=["a"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    assert oidc == f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.example.com"
    assert (
        error(
            lambda: iam.create_open_id_connect_provider(
                Url="https://token.example.com", ThumbprintList=["a" * 40]
            )
        )[0]
        == "EntityAlreadyExists"
    )
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=oidc, ClientID="b")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=oidc, ClientID="a")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=oidc, ThumbprintList=["b" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    assert (got["Url"], got["ClientIDList"], got["ThumbprintList"]) == (
        "token.example.com",
        ["b"],
        ["b" * 40],
    )
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=oidc, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=oidc)["Tags"] == [
        {"Key": "k", "Value": "v"}
    ]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_account_alias_summary_and_credential_report(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="my-company")
    assert iam.list_account_aliases()["AccountAliases"] == ["my-company"]
    iam.delete_account_alias(AccountAlias="my-company")
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_user(UserName="u")
    iam.create_access_key(UserName="u")
    assert iam.get_account_summary()["SummaryMap"]["Users"] == 1
    assert error(iam.get_credential_report)[0] == "ReportNotPresent"
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    lines = report["Content"].decode().splitlines()
    assert lines[0].startswith("user,arn,user_creation_time")
    assert lines[1].startswith("<root_account>")
    assert lines[2].startswith(f"u,arn:aws:iam::{ACCOUNT}:user/u,") and ",true," in lines[2]
    assert report["ReportFormat"] == "text/csv"


SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKrX8tQ2m8S1G0d8v6o0l8kq2W3b5m7n9p1r3t5v7x9z user@host"


def test_ssh_public_keys(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="git")
    key = iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody=SSH_KEY)["SSHPublicKey"]
    assert key["SSHPublicKeyId"].startswith("APKA") and key["Fingerprint"].count(":") == 15
    assert error(lambda: iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody=SSH_KEY))[0] == (
        "DuplicateSSHPublicKey"
    )
    assert (
        error(lambda: iam.upload_ssh_public_key(UserName="git", SSHPublicKeyBody="junk"))[0]
        == "InvalidPublicKey"
    )
    iam.update_ssh_public_key(UserName="git", SSHPublicKeyId=key["SSHPublicKeyId"], Status="Inactive")
    got = iam.get_ssh_public_key(UserName="git", SSHPublicKeyId=key["SSHPublicKeyId"], Encoding="SSH")
    assert got["SSHPublicKey"]["Status"] == "Inactive"
    assert [k["SSHPublicKeyId"] for k in iam.list_ssh_public_keys(UserName="git")["SSHPublicKeys"]] == [
        key["SSHPublicKeyId"]
    ]
    assert error(lambda: iam.delete_user(UserName="git"))[0] == "DeleteConflict"
    iam.delete_ssh_public_key(UserName="git", SSHPublicKeyId=key["SSHPublicKeyId"])
    assert iam.list_ssh_public_keys(UserName="git")["SSHPublicKeys"] == []


def test_service_specific_credentials(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    iam.create_user(UserName="dev")
    cred = iam.create_service_specific_credential(UserName="dev", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"
    ]
    assert cred["ServiceUserName"] == f"dev-at-{ACCOUNT}" and cred["ServicePassword"]
    reset = iam.reset_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"]
    )["ServiceSpecificCredential"]
    assert reset["ServicePassword"] != cred["ServicePassword"]
    iam.update_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"], Status="Inactive"
    )
    listed = iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]
    assert [c["Status"] for c in listed] == ["Inactive"] and "ServicePassword" not in listed[0]
    iam.delete_service_specific_credential(
        UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"]
    )
    assert iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"] == []


def test_service_specific_credentials_of_every_user_and_of_the_caller(aws_client: Callable[..., Any]) -> None:
    iam = aws_client("iam")
    for name in ("ann", "bob"):
        iam.create_user(UserName=name)
        iam.create_service_specific_credential(UserName=name, ServiceName="codecommit.amazonaws.com")
    iam.create_service_specific_credential(UserName="bob", ServiceName="cassandra.amazonaws.com")
    every = iam.list_service_specific_credentials(AllUsers=True, MaxItems=2)
    assert every["IsTruncated"] is True and len(every["ServiceSpecificCredentials"]) == 2
    rest = iam.list_service_specific_credentials(AllUsers=True, Marker=every["Marker"])
    names = [c["UserName"] for c in every["ServiceSpecificCredentials"] + rest["ServiceSpecificCredentials"]]
    assert sorted(names) == ["ann", "bob", "bob"] and rest["IsTruncated"] is False
    only = iam.list_service_specific_credentials(AllUsers=True, ServiceName="cassandra.amazonaws.com")
    assert [c["UserName"] for c in only["ServiceSpecificCredentials"]] == ["bob"]
    # without a user name, the caller's own: the root caller has none to name
    code, message = error(lambda: iam.list_service_specific_credentials())[:2]
    assert (code, message) == ("ValidationError", "Must specify userName when calling with non-User credentials")
    code = error(lambda: iam.reset_service_specific_credential(ServiceSpecificCredentialId="ACCA" + "X" * 17))[0]
    assert code == "ValidationError"


def test_context_keys_for_policies(aws_client: Callable[..., Any]) -> None:
    import json

    iam = aws_client("iam")
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {
                        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                        "StringLike": {"s3:prefix": "home/*"},
                    },
                }
            ],
        }
    )
    assert iam.get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"] == [
        "aws:SourceIp",
        "s3:prefix",
    ]
