"""AWS Certificate Manager: certificates requested for domains (DNS, email or HTTP validation,
issued a moment later by the state's local CA, so a TLS client can load them), imported
certificates parsed with ``cryptography``, export of exportable ones with a passphrase-protected
key, renewal, revocation, options, tags, the account's expiry-events configuration.

Modules by concern: ``store`` (certificates in the shared resource store; their status computed
from stored times), ``authority`` (the local CA, the master key that seals private keys),
``keyalgorithms``, ``pemfiles`` (PEM and X.509 facts), ``views`` (how a certificate reads:
detail, summary, domain validations), ``requesting`` (RequestCertificate,
ResendValidationEmail), ``imports`` (ImportCertificate), ``certificates`` (describe, get, export,
renew, revoke, options, delete), ``listing`` (ListCertificates), ``tags``, ``account``
(expiry events), ``errors``; what ACM declares about itself: ``access`` (the certificate a
request acts on); ``internal`` is what other services call (certificates in use).

SearchCertificates is not implemented yet (its filter statements over X.509 attributes).
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import access, account, certificates, imports, listing, requesting, tags

FACTS = declare(
    ServiceFacts(
        "acm",
        resources=access.resource_arns,
    )
)

__all__ = ["FACTS", "account", "certificates", "imports", "listing", "requesting", "tags"]
