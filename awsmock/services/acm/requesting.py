"""RequestCertificate and ResendValidationEmail: certificates ACM issues for domains the caller
validates, signed by the state's local CA (:mod:`.authority`).

The key pair and the certificate are made when the request is: the certificate's validity starts
the moment validation completes (:data:`.store.VALIDATION_DELAY` later), and nothing is shown of
it until then. A certificate naming a private CA (``CertificateAuthorityArn``) is ``PRIVATE``;
awsmock has no AWS Private CA to issue it, so it fails as AWS fails one whose CA cannot be found
(``FAILED``, ``PCA_RESOURCE_NOT_FOUND``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import authority, keyalgorithms, store, tags
from .errors import (
    InvalidDomainValidationOptionsException,
    InvalidStateException,
    ValidationException,
)

#: how long an idempotency token names the same request
IDEMPOTENCY_WINDOW = dt.timedelta(hours=1)
#: X.509's limit on a common name, which the first domain name becomes
MAX_COMMON_NAME = 64


def _base(domain: str) -> str:
    return domain[2:] if domain.startswith("*.") else domain


def _within(domain: str, validation_domain: str) -> bool:
    """Whether ``validation_domain`` is ``domain`` (a wildcard's base) or a superdomain of it."""
    base, parent = _base(domain).lower(), validation_domain.lower().rstrip(".")
    return base == parent or base.endswith("." + parent)


def _domains(params: dict[str, Any]) -> list[str]:
    first = params["DomainName"]
    store.check_domain(first, "domainName")
    out = [first]
    seen = {first.lower()}
    for index, name in enumerate(params.get("SubjectAlternativeNames") or []):
        if not isinstance(name, str):
            continue
        store.check_domain(name, f"subjectAlternativeNames.{index + 1}.member")
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


def _validation_domains(params: dict[str, Any], domains: list[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    lowered = {d.lower(): d for d in domains}
    for option in params.get("DomainValidationOptions") or []:
        domain, validation = option.get("DomainName"), option.get("ValidationDomain")
        if not isinstance(domain, str) or not isinstance(validation, str):
            continue
        store.check_domain(domain, "domainValidationOptions.member.domainName")
        store.check_domain(validation, "domainValidationOptions.member.validationDomain")
        if domain.lower() not in lowered:
            raise InvalidDomainValidationOptionsException(
                f"DomainValidationOptions {domain} is not a domain name of the certificate."
            )
        if not _within(domain, validation):
            raise InvalidDomainValidationOptionsException(
                f"The validation domain {validation} is not a superdomain of {domain}."
            )
        chosen[lowered[domain.lower()]] = validation
    return chosen


def _same_request(ctx: RequestContext, token: str) -> store.Cert | None:
    for cert in store.all_certs(ctx):
        made = cert.row.created
        if made.tzinfo is None:
            made = made.replace(tzinfo=dt.UTC)
        if cert.doc.get("IdempotencyToken") == token and ctx.now - made < IDEMPOTENCY_WINDOW:
            return cert
    return None


@handler("acm", "RequestCertificate")
def request_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("IdempotencyToken")
    if token:
        earlier = _same_request(ctx, token)
        if earlier is not None:
            return {"CertificateArn": earlier.arn}
    domains = _domains(params)
    if len(domains[0]) > MAX_COMMON_NAME:
        raise ValidationException(
            f"The first domain name can't exceed {MAX_COMMON_NAME} octets: {domains[0]}"
        )
    chosen = _validation_domains(params, domains)
    new_tags = tags.read(params.get("Tags"))
    tags.check(new_tags)
    algorithm = params.get("KeyAlgorithm") or keyalgorithms.DEFAULT
    ca_arn = params.get("CertificateAuthorityArn")
    method = None if ca_arn else (params.get("ValidationMethod") or "EMAIL")
    options_in = params.get("Options") or {}
    options = {
        "CertificateTransparencyLoggingPreference": options_in.get(
            "CertificateTransparencyLoggingPreference", "ENABLED"
        ),
        "Export": options_in.get("Export", "DISABLED"),
    }
    rid = str(uuid.uuid4())
    validated_at = ctx.now + store.VALIDATION_DELAY
    document: dict[str, Any] = {
        "Type": store.PRIVATE if ca_arn else store.AMAZON_ISSUED,
        "DomainName": domains[0],
        "SubjectAlternativeNames": domains,
        "KeyAlgorithm": algorithm,
        "Options": options,
        "InUseBy": [],
        "Exported": False,
    }
    if method:
        document["ValidationMethod"] = method
        document["DomainValidation"] = [
            {"DomainName": d, "ValidationDomain": chosen.get(d, _base(d) if method == "EMAIL" else d)}
            for d in domains
        ]
    if token:
        document["IdempotencyToken"] = token
    if params.get("ManagedBy"):
        document["ManagedBy"] = params["ManagedBy"]
    state = store.ISSUED
    if ca_arn:
        document["CertificateAuthorityArn"] = ca_arn
        document["FailureReason"] = "PCA_RESOURCE_NOT_FOUND"
        state = store.FAILED
    else:
        key = keyalgorithms.generate(algorithm)
        cert, chain = authority.issue(ctx, key, algorithm, domains, validated_at)
        document["ValidatedAt"] = store.iso(validated_at)
        document["Certificate"] = authority.pem(cert)
        document["CertificateChain"] = chain
        document["PrivateKey"] = authority.seal_key(ctx, f"certificate|{ctx.account_id}|{rid}", key)
    row = store.CERTS.create(ctx, rid=rid, name=domains[0], document=document, state=state)
    tags.apply(ctx, row.arn, new_tags)
    return {"CertificateArn": row.arn}


@handler("acm", "ResendValidationEmail")
def resend_validation_email(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Sends (nowhere: awsmock sends no email) the validation email for ``Domain`` again, to the
    addresses at ``ValidationDomain``, which the certificate's validation then shows."""
    cert = store.get(ctx, params["CertificateArn"])
    if cert.status != store.PENDING or cert.doc.get("ValidationMethod") != "EMAIL":
        raise InvalidStateException(
            f"Certificate {cert.arn} is not pending validation by email (status: {cert.status})."
        )
    domain, validation = params["Domain"], params["ValidationDomain"]
    store.check_domain(domain, "domain")
    store.check_domain(validation, "validationDomain")
    document = cert.edit()
    for item in document["DomainValidation"]:
        if item["DomainName"].lower() == domain.lower():
            if not _within(domain, validation):
                raise InvalidDomainValidationOptionsException(
                    f"The validation domain {validation} is not a superdomain of {domain}."
                )
            item["ValidationDomain"] = validation
            break
    else:
        raise InvalidDomainValidationOptionsException(
            f"The domain {domain} is not a domain name of certificate {cert.arn}."
        )
    store.save(ctx, cert, document)
    return {}
