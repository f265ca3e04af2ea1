"""ACM as access control sees it: each operation is ``acm:<Operation>`` on the certificate its
``CertificateArn`` names (``arn:aws:acm:region:account:certificate/<id>``); operations that name
none (RequestCertificate, a first ImportCertificate, ListCertificates, the account's
configuration) act on ``*``. ACM has no resource policies."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    arn = params.get("CertificateArn")
    return [arn] if isinstance(arn, str) and arn else ["*"]
