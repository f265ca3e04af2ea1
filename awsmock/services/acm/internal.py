"""What other services ask of ACM inside their own request (a load balancer's listener, a
CloudFront distribution, an API's custom domain that serves a certificate).

A service that attaches a certificate records it with :func:`use`, and :func:`release` when it
lets go: DescribeCertificate's ``InUseBy`` lists the users, ListCertificates' ``InUse`` says so,
DeleteCertificate refuses a certificate in use (``ResourceInUseException``), and an in-use
certificate is eligible for managed renewal. Errors are ACM's own
(``ResourceNotFoundException``, ``InvalidArnException``, ``RequestInProgressException``);
callers translate them where their service documents its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from awsmock.engine.context import RequestContext

from . import store
from .errors import AcmError, RequestInProgressException

__all__ = ["AcmError", "ServedCertificate", "release", "served", "use"]


@dataclass(frozen=True)
class ServedCertificate:
    """What a TLS endpoint serves: the certificate, its chain and its private key (PEM)."""

    arn: str
    domain_name: str
    subject_alternative_names: list[str]
    certificate: str
    chain: str | None
    private_key: str


def served(ctx: RequestContext, arn: str) -> ServedCertificate:
    """The issued certificate ``arn`` of the caller's account and region, as a TLS endpoint
    serves it (RequestInProgressException while it is not issued)."""
    from . import authority

    cert = store.get(ctx, arn)
    if not cert.issued:
        raise RequestInProgressException(f"Certificate {arn} is not yet issued.")
    return ServedCertificate(
        arn=cert.arn,
        domain_name=str(cert.doc["DomainName"]),
        subject_alternative_names=list(cert.doc["SubjectAlternativeNames"]),
        certificate=str(cert.doc["Certificate"]),
        chain=cert.doc.get("CertificateChain"),
        private_key=authority.key_pem(cert.private_key(ctx)).decode(),
    )


def use(ctx: RequestContext, arn: str, user_arn: str) -> None:
    """Record that the resource ``user_arn`` uses the certificate ``arn``."""
    cert = store.get(ctx, arn)
    document = cert.edit()
    users = list(document.get("InUseBy") or [])
    if user_arn not in users:
        users.append(user_arn)
    document["InUseBy"] = users
    store.save(ctx, cert, document)


def release(ctx: RequestContext, arn: str, user_arn: str) -> None:
    """The resource ``user_arn`` no longer uses the certificate ``arn`` (a certificate since
    deleted is ignored)."""
    row = store.CERTS.by_arn(ctx, arn)
    if row is None:
        return
    cert = store.Cert(row, ctx.now)
    document = cert.edit()
    document["InUseBy"] = [u for u in document.get("InUseBy") or [] if u != user_arn]
    store.save(ctx, cert, document)
