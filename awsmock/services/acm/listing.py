"""ListCertificates: the caller's certificates filtered by status and by ``Includes`` (key
types, key usages, extended key usages, export option, managed by), sorted by creation time
when asked, in keyset pages.

As on AWS, a listing without ``Includes.keyTypes`` shows only RSA 1024 and RSA 2048
certificates: name the other key types to see them. Statuses are computed when read (see
:mod:`.store`), so the listing is filtered as it is computed.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import store, views
from .errors import InvalidArgsException

DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")
MAX_ITEMS = 1000


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _matches(summary: dict[str, Any], statuses: list[str], includes: dict[str, Any]) -> bool:
    if statuses and summary["Status"] not in statuses:
        return False
    key_types = _strings(includes.get("keyTypes")) or list(DEFAULT_KEY_TYPES)
    if summary["KeyAlgorithm"] not in key_types:
        return False
    wanted_ekus = _strings(includes.get("extendedKeyUsage"))
    if wanted_ekus and not set(summary["ExtendedKeyUsages"] or ["NONE"]) & set(wanted_ekus):
        return False
    wanted_usages = _strings(includes.get("keyUsage"))
    if wanted_usages and not set(summary["KeyUsages"]) & set(wanted_usages):
        return False
    export = includes.get("exportOption")
    if isinstance(export, str) and summary["ExportOption"] != export:
        return False
    managed = includes.get("managedBy")
    return not (isinstance(managed, str) and summary.get("ManagedBy") != managed)


@handler("acm", "ListCertificates")
def list_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    statuses = _strings(params.get("CertificateStatuses"))
    includes = params.get("Includes") or {}
    descending = params.get("SortOrder") == "DESCENDING"
    items: list[tuple[tuple[float, str], dict[str, Any]]] = []
    for cert in store.all_certs(ctx):
        summary = views.summary(cert)
        if _matches(summary, statuses, includes):
            created = cert.row.created.timestamp()
            items.append(((-created if descending else created, cert.id), summary))
    items.sort(key=lambda item: item[0])
    scope = "ListCertificates:" + json.dumps(
        [sorted(statuses), includes, params.get("SortBy"), descending], sort_keys=True, default=str
    )
    page = pager.page_list(
        items,
        key=lambda item: item[0],
        limit=params.get("MaxItems") or MAX_ITEMS,
        token=params.get("NextToken"),
        scope=scope,
        invalid=lambda _token: InvalidArgsException("The NextToken is not valid."),
    )
    out: dict[str, Any] = {"CertificateSummaryList": [summary for _key, summary in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out
