"""Which AWS service (and region, and access key) a request is for.

In order: the SigV4 ``Authorization`` credential scope (or ``X-Amz-Credential`` of a presigned
URL, or an S3 SigV2 signature), ``X-Amz-Target`` / the CBOR RPC path, the host name
(``<bucket>.s3.localhost``, ``sqs.us-east-1.amazonaws.com``), and for unsigned requests the
shape of the request. Services sharing a signing name (s3/s3control, dynamodb/dynamodbstreams,
elb/elbv2, rds/neptune/docdb …) are told apart by target prefix, API version or path.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from awsmock.engine import catalog, specs
from awsmock.engine.context import DEFAULT_REGION
from awsmock.engine.wire import WireRequest

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_PRESIGNED = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_CBOR_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")
_SQS_QUEUE_PATH = re.compile(r"^/\d{12}/[^/]+$")


class Target(NamedTuple):  # a tuple: made for every request
    service: str | None
    region: str
    access_key_id: str | None
    signing_name: str | None


def _index_known(key: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name in catalog.BOTOCORE_NAMES:
        md = specs.service_metadata(name)
        value = md.get(key) or (md.get("endpointPrefix") if key == "signingName" else None)
        if value:
            out.setdefault(value, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


@cache
def known_by_signing_name() -> dict[str, tuple[str, ...]]:
    return _index_known("signingName")


@cache
def known_by_target_prefix() -> dict[str, tuple[str, ...]]:
    return _index_known("targetPrefix")


@cache
def known_by_endpoint_prefix() -> dict[str, tuple[str, ...]]:
    return _index_known("endpointPrefix")


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
        if auth.startswith("AWS "):  # S3 SigV2
            return auth[4:].split(":", 1)[0], None, "s3"
    if "X-Amz-Credential" in req.query_string or "x-amz-credential" in req.query_string.lower():
        for k, v in req.query:
            if k.lower() == "x-amz-credential":
                m = _PRESIGNED.match(v)
                if m:
                    return m.group(1), m.group(3), m.group(4)
    if "AWSAccessKeyId" in req.query_string:
        return req.query_dict.get("AWSAccessKeyId"), None, "s3"
    return None, None, None


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
    if "s3control" in candidates:
        if "s3-control" in req.host or req.path.startswith("/v20180820/"):
            return "s3control"
        return "s3"
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
        service = _pick(services_for_signing_name(signing), req)

    if service is None:
        service = _service_from_host(parts, req)

    if service is None:
        service = _service_from_shape(req)

    return Target(service=service, region=region or DEFAULT_REGION, access_key_id=akid, signing_name=signing)


def _service_from_host(parts: list[str], req: WireRequest) -> str | None:
    if "s3" in parts or any(p.startswith("s3-") for p in parts):
        return "s3control" if "s3-control" in parts else "s3"
    if len(parts) >= 3 and parts[-2:] == ["amazonaws", "com"]:
        return _pick(known_by_endpoint_prefix().get(parts[0], ()), req)
    return None


def _service_from_shape(req: WireRequest) -> str | None:
    """An unsigned request: guess from its shape (query-protocol Action, SQS queue path)."""
    action = req.query_dict.get("Action") or (req.form.get("Action") if req.method == "POST" else None)
    if action:
        if _SQS_QUEUE_PATH.match(req.path) or "QueueUrl" in req.form or "QueueName" in req.form:
            return "sqs"
        for name in catalog.BOTOCORE_NAMES:
            model = specs.service_model(name)
            if model.metadata.get("protocol") in ("query", "ec2") and action in model.operation_names:
                return name
        return None
    return "s3"
