"""How a certificate reads: DescribeCertificate's detail, ListCertificates' summary, and the
domain validations of a requested certificate (DNS records, emails, HTTP redirects)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

from . import authority, keyalgorithms
from .store import AMAZON_ISSUED, IMPORTED, PENDING, Cert, when

#: the addresses AWS sends validation emails to, at the validation domain
EMAIL_BOXES = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")


def _base(domain: str) -> str:
    return domain[2:] if domain.startswith("*.") else domain


def resource_record(ctx: RequestContext, account: str, domain: str) -> dict[str, str]:
    """The CNAME that proves control of ``domain`` (a wildcard's is its base domain's): the same
    for the same account and domain, as AWS's."""
    base = _base(domain).lower()
    secret = authority.derive(ctx, f"dns|{account}|{base}")
    label = "".join(chr(ord("a") + b % 26) for b in secret[16:26])
    return {
        "Name": f"_{secret[:16].hex()}.{base}.",
        "Type": "CNAME",
        "Value": f"_{authority.derive(ctx, f'dns-target|{account}|{base}')[:16].hex()}.{label}.acm-validations.aws.",
    }


def _http_redirect(ctx: RequestContext, cert: Cert, domain: str) -> dict[str, str]:
    token = authority.derive(ctx, f"http|{cert.row.account_id}|{_base(domain).lower()}")[:16].hex()
    path = f".well-known/pki-validation/{token}.txt"
    return {
        "RedirectFrom": f"http://{_base(domain)}/{path}",
        "RedirectTo": f"https://validation.{cert.row.region}.acm-validations.aws/{cert.row.account_id}/{path}",
    }


def domain_validations(ctx: RequestContext, cert: Cert) -> list[dict[str, Any]]:
    method = cert.doc.get("ValidationMethod")
    if cert.type != AMAZON_ISSUED or not method:
        return []
    status = "PENDING_VALIDATION" if cert.pending else ("SUCCESS" if cert.status != "FAILED" else "FAILED")
    out: list[dict[str, Any]] = []
    for item in cert.doc["DomainValidation"]:
        domain, validation_domain = item["DomainName"], item["ValidationDomain"]
        entry: dict[str, Any] = {"DomainName": domain}
        if method == "EMAIL":
            entry["ValidationEmails"] = [f"{box}@{_base(validation_domain)}" for box in EMAIL_BOXES]
        entry["ValidationDomain"] = validation_domain
        entry["ValidationStatus"] = status
        if method == "DNS":
            entry["ResourceRecord"] = resource_record(ctx, cert.row.account_id, domain)
        if method == "HTTP":
            entry["HttpRedirect"] = _http_redirect(ctx, cert, domain)
        entry["ValidationMethod"] = method
        out.append(entry)
    return out


def _times(cert: Cert) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if cert.type == IMPORTED:
        out["ImportedAt"] = when(cert.doc["ImportedAt"])
    else:
        out["CreatedAt"] = cert.row.created
        if cert.issued:
            out["IssuedAt"] = when(cert.doc.get("IssuedAt")) or cert.validated_at
    if cert.doc.get("RevokedAt"):
        out["RevokedAt"] = when(cert.doc["RevokedAt"])
    return out


def key_algorithm(cert: Cert) -> str:
    facts = cert.facts
    if facts is not None and facts.key_algorithm:
        return facts.key_algorithm
    return str(cert.doc.get("KeyAlgorithm") or keyalgorithms.DEFAULT)


def _usages(cert: Cert) -> tuple[list[str], list[tuple[str, str]]]:
    facts = cert.facts
    if facts is None or not cert.issued:
        return [], []
    return facts.key_usages, facts.extended_key_usages


def detail(ctx: RequestContext, cert: Cert) -> dict[str, Any]:
    """DescribeCertificate's ``Certificate``."""
    doc = cert.doc
    facts = cert.facts
    out: dict[str, Any] = {
        "CertificateArn": cert.arn,
        "DomainName": doc["DomainName"],
        "SubjectAlternativeNames": list(doc["SubjectAlternativeNames"]),
    }
    if doc.get("ManagedBy"):
        out["ManagedBy"] = doc["ManagedBy"]
    validations = domain_validations(ctx, cert)
    if validations:
        out["DomainValidationOptions"] = validations
    if facts is not None and cert.issued:
        out["Serial"] = facts.serial
    out["Subject"] = f"CN={doc['DomainName']}" if facts is None or cert.type != IMPORTED else facts.subject
    if facts is not None and cert.issued:
        out["Issuer"] = facts.issuer
    out.update(_times(cert))
    out["Status"] = cert.status
    if doc.get("RevocationReason"):
        out["RevocationReason"] = doc["RevocationReason"]
    if facts is not None and cert.issued:
        out["NotBefore"] = facts.not_before
        out["NotAfter"] = facts.not_after
    out["KeyAlgorithm"] = keyalgorithms.described(key_algorithm(cert))
    if facts is not None and cert.issued:
        out["SignatureAlgorithm"] = facts.signature_algorithm
    out["InUseBy"] = cert.in_use_by
    if doc.get("FailureReason"):
        out["FailureReason"] = doc["FailureReason"]
    out["Type"] = cert.type
    if doc.get("RenewalSummary"):
        renewal = dict(doc["RenewalSummary"])
        renewal["UpdatedAt"] = when(renewal["UpdatedAt"])
        renewal["DomainValidationOptions"] = validations
        out["RenewalSummary"] = renewal
    usages, ekus = _usages(cert)
    out["KeyUsages"] = [{"Name": name} for name in usages]
    out["ExtendedKeyUsages"] = [{"Name": name, "OID": oid} for name, oid in ekus]
    if doc.get("CertificateAuthorityArn"):
        out["CertificateAuthorityArn"] = doc["CertificateAuthorityArn"]
    out["RenewalEligibility"] = cert.renewal_eligibility
    out["Options"] = dict(doc.get("Options") or {})
    return out


#: how many SANs a summary lists (HasAdditionalSubjectAlternativeNames says there are more)
SUMMARY_SANS = 100


def summary(cert: Cert) -> dict[str, Any]:
    """ListCertificates' ``CertificateSummary``."""
    doc = cert.doc
    facts = cert.facts
    sans = list(doc["SubjectAlternativeNames"])
    usages, ekus = _usages(cert)
    out: dict[str, Any] = {
        "CertificateArn": cert.arn,
        "DomainName": doc["DomainName"],
        "SubjectAlternativeNameSummaries": sans[:SUMMARY_SANS],
        "HasAdditionalSubjectAlternativeNames": len(sans) > SUMMARY_SANS,
        "Status": cert.status,
        "Type": cert.type,
        "KeyAlgorithm": key_algorithm(cert),
        "KeyUsages": usages,
        "ExtendedKeyUsages": [name for name, _oid in ekus],
        "ExportOption": (doc.get("Options") or {}).get("Export", "DISABLED"),
        "InUse": bool(cert.in_use_by),
        "Exported": bool(doc.get("Exported")),
        "RenewalEligibility": cert.renewal_eligibility,
    }
    if facts is not None and cert.issued:
        out["NotBefore"] = facts.not_before
        out["NotAfter"] = facts.not_after
    out.update(_times(cert))
    if doc.get("ManagedBy"):
        out["ManagedBy"] = doc["ManagedBy"]
    return out


def status_is_pending(cert: Cert) -> bool:
    return cert.status == PENDING
