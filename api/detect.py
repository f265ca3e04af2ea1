"""Which AWS service (and region, and access key) a request is for.

In order: the SigV4 ``Authorization`` credential scope (or ``X-Amz-Credential`` of a presigned
URL, or an older signature a service declares it accepts), ``X-Amz-Target`` / the CBOR RPC path,
the host name (a label that is a service's endpoint prefix, ``<prefix>.us-east-1.amazonaws.com``, or
a host a service declares as its own, such as a resource named in the host), and for unsigned requests
the shape of the request (what services declare they recognise, then a query ``Action`` the
model knows). Services sharing a signing name (a service and its streams API, two
generations of one API …) are told apart by target prefix, API version, endpoint prefix in the host
or the path prefix all their routes share.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from awsmock.engine import catalog, registry, specs
from awsmock.engine.context import DEFAULT_REGION
from awsmock.engine.wire import WireRequest

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_PRESIGNED = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_CBOR_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")


class Target(NamedTuple):  # a tuple: made for every request
    service: str | None
    region: str
    access_key_id: str | None
    signing_name: str | None


def _index_known(key: str) -> dict[str, tuple[str, ...]]:
    return specs.index_by(key, catalog.BOTOCORE_NAMES)


@cache
def known_by_endpoint_prefix() -> dict[str, tuple[str, ...]]:
    return _index_known("endpointPrefix")


@cache
def known_by_signing_name() -> dict[str, tuple[str, ...]]:
    return _index_known("signingName")


@cache
def known_by_target_prefix() -> dict[str, tuple[str, ...]]:
    return _index_known("targetPrefix")


def _lookup(known: dict[str, tuple[str, ...]], full: object, key: str) -> tuple[str, ...]:
    if key in known:
        return known[key]
    if key in specs.service_name_set():
        return (key,)
    return full().get(key, ())  # type: ignore[operator,no-any-return]


def services_for_signing_name(name: str) -> tuple[str, ...]:
    return _lookup(known_by_signing_name(), specs.services_by_signing_name, name)


def services_for_target_prefix(prefix: str) -> tuple[str, ...]:
    return _lookup(known_by_target_prefix(), specs.services_by_target_prefix, prefix)


def credential_scope(req: WireRequest) -> tuple[str | None, str | None, str | None]:
    """(access key id, region, signing name) from the signature, when there is one."""
    auth = req.headers.get("authorization", "")
    if auth:
        m = _CREDENTIAL.search(auth)
        if m:
            return m.group(1), m.group(3), m.group(4)
    if "X-Amz-Credential" in req.query_string or "x-amz-credential" in req.query_string.lower():
        for k, v in req.query:
            if k.lower() == "x-amz-credential":
                m = _PRESIGNED.match(v)
                if m:
                    return m.group(1), m.group(3), m.group(4)
    if auth.startswith("AWS ") or "AWSAccessKeyId" in req.query_string:
        for facts in registry.declared():  # an older signature a service still accepts
            legacy = facts.auth.legacy
            if legacy is not None:
                akid = legacy.access_key(req)
                if akid is not None:
                    return akid, None, signing_name(facts.name)
    return None, None, None


def signing_name(service: str) -> str:
    md = specs.service_metadata(service)
    return md.get("signingName") or md.get("endpointPrefix") or service


def _host_parts(req: WireRequest) -> list[str]:
    host = req.host.rsplit(":", 1)[0] if not req.host.startswith("[") else req.host
    return host.lower().split(".")


def _region_from_host(parts: list[str]) -> str | None:
    for p in parts:
        if _REGION.match(p):
            return p
    return None


def _pick(candidates: tuple[str, ...], req: WireRequest) -> str | None:
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    target = req.headers.get("x-amz-target")
    if target:
        prefix = target.split(".", 1)[0]
        for c in candidates:
            if specs.service_metadata(c).get("targetPrefix") == prefix:
                return c
    version = req.query_dict.get("Version") or (req.form.get("Version") if req.method == "POST" else None)
    if version:
        for c in candidates:
            if specs.service_metadata(c).get("apiVersion") == version:
                return c
    labels = _host_parts(req)
    for c in candidates:  # the host names its endpoint
        if specs.service_metadata(c).get("endpointPrefix") in labels:
            return c
    for c in candidates:  # every route of its model starts with a prefix the path has
        prefix = route_prefix(c)
        if prefix and req.path.startswith(prefix):
            return c
    for c in candidates:  # prefer the one awsmock stands for
        if c in catalog.BOTOCORE_NAMES:
            return c
    return candidates[0]


def detect(req: WireRequest) -> Target:
    akid, region, signing = credential_scope(req)
    sdk = req.sdk_operation  # an SDK in this process named the service it serialized for
    named = sdk[0] if sdk is not None and sdk[0] in specs.service_name_set() else None
    if named is not None and region is not None:  # (and signed for a region)
        return Target(service=named, region=region, access_key_id=akid, signing_name=signing)
    parts = _host_parts(req)
    if region is None:
        region = _region_from_host(parts)
    service: str | None = None

    target = req.headers.get("x-amz-target")
    if named is not None:
        service = named
    elif target:
        prefix = target.split(".", 1)[0]
        service = _pick(services_for_target_prefix(prefix), req)
    elif req.method == "POST" and req.path.startswith("/service/"):
        m = _CBOR_PATH.match(req.path)
        if m:
            service = _pick(services_for_target_prefix(m.group(1)), req)

    if service is None and signing:
        service = _claimed(signing, req) or _pick(services_for_signing_name(signing), req)

    if service is None:
        service = _service_from_host(parts, req)

    if service is None:
        service = _service_from_shape(req)

    return Target(service=service, region=region or DEFAULT_REGION, access_key_id=akid, signing_name=signing)


@cache
def _claimants() -> dict[str, tuple[tuple[str, Callable[[WireRequest], bool]], ...]]:
    """signing name -> the services signing with it that recognise their own requests."""
    found: dict[str, list[tuple[str, Callable[[WireRequest], bool]]]] = {}
    for facts in registry.declared():
        claims = facts.detection.signed
        if claims is not None and facts.name in specs.service_name_set():
            found.setdefault(signing_name(facts.name), []).append((facts.name, claims))
    return {name: tuple(c) for name, c in found.items()}


def _claimed(signing: str, req: WireRequest) -> str | None:
    """A service that shares ``signing`` with others and recognises the request as its own."""
    for service, claims in _claimants().get(signing, ()):
        if claims(req):
            return service
    return None


@cache
def route_prefix(service: str) -> str:
    """The path prefix every route of a rest service starts with beyond ``/`` (``/v20180820/``),
    or ``""``."""
    model = specs.service_model(service)
    if not str(model.metadata.get("protocol", "")).startswith("rest"):
        return ""
    uris = [model.operation_model(op).http.get("requestUri", "/") for op in model.operation_names]
    common = _common_prefix(uris) if uris else ""
    common = common[: common.rfind("/") + 1]
    return common if len(common) > 1 else ""


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


#: labels of an endpoint's domain, never a service's
_DOMAIN_LABELS = frozenset({"amazonaws", "com", "cn", "localhost", "api", "aws"})


def service_of_host(labels: list[str]) -> str | None:
    """The service a host name (its lower-cased labels) is an endpoint of, or None."""
    return _service_from_host(labels, None)


def _service_from_host(parts: list[str], req: WireRequest | None) -> str | None:
    # an AWS (or local) endpoint name: the service label is the one nearest the domain (a
    # virtual-hosted bucket may have a service's name)
    aws = parts[-2:] == ["amazonaws", "com"] or parts[-3:-1] == ["amazonaws", "com"]
    for label in reversed(parts if aws or parts[-1:] == ["localhost"] else ()):
        if label in _DOMAIN_LABELS or _REGION.match(label):
            continue
        # the services awsmock stands for first; every model's metadata is read (once, and
        # slowly) only for a label none of theirs is
        candidates = known_by_endpoint_prefix().get(label) or specs.services_by_endpoint_prefix().get(label)
        if candidates:
            return _pick(candidates, req) if req is not None else candidates[0]
    for facts in registry.declared():
        host = facts.detection.host
        if host is not None and host(parts):
            return facts.name
    return None


def _service_from_shape(req: WireRequest) -> str | None:
    """An unsigned request: what a service recognises as its own, else the service whose query
    model knows the ``Action``."""
    for facts in registry.declared():
        claims = facts.detection.unsigned
        if claims is not None and claims(req):
            return facts.name
    action = req.query_dict.get("Action") or (req.form.get("Action") if req.method == "POST" else None)
    if action:
        for name in catalog.BOTOCORE_NAMES:
            model = specs.service_model(name)
            if model.metadata.get("protocol") in ("query", "ec2") and action in model.operation_names:
                return name
    return None
