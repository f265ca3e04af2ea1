"""The AWS ``query`` protocol (IAM, STS, SNS, CloudFormation, RDS, ... and SQS for old SDKs).

Requests are ``Action=Op&Version=...&Member.Sub.member.1=...`` pairs in a form body (POST) or
the query string (GET); responses are XML::

    <OpResponse xmlns="<service xmlNamespace>">
      <OpResult>...output members...</OpResult>       (the output's resultWrapper)
      <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata>
    </OpResponse>

errors::

    <ErrorResponse xmlns="..."><Error><Type>Sender|Receiver</Type><Code/><Message/>
      ...modeled error fields...</Error><RequestId/></ErrorResponse>

Input flattening mirrors botocore's ``QuerySerializer``: ``locationName`` renames, lists as
``Name.member.N`` (``Name.<item locationName>.N``), flattened lists as ``<item locationName>.N``,
maps as ``Name.entry.N.key`` / ``.value`` (flattened: ``Name.N.key``), timestamps ISO 8601,
blobs base64, booleans ``true``/``false``. :mod:`awsmock.api.protocols.ec2` reuses the reader.

Validation: after parsing, the input is checked by :mod:`.validate`; violations become
``ValidationError`` with AWS's ``N validation error(s) detected: ...`` text (the style of IAM,
STS, SNS, CloudFormation...), unreadable values ``InvalidParameterValue``.

Where a service differs (the XML traits of a service spoken over query though its model moved
to JSON, the codes its query protocol used, members read from the request's path, the model's
``pattern`` constraints checked), it declares so (:class:`awsmock.engine.facts.QueryQuirks`,
:class:`~awsmock.engine.facts.ServiceFacts`). When a handler raises an error *shape name* whose
modeled query code differs (``EntityAlreadyExistsException`` -> ``EntityAlreadyExists``), the
modeled code is written.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from awsmock.api.protocols.base import Protocol
from awsmock.api.protocols.validate import Violation, aws_value, validate, validation_message
from awsmock.api.protocols.xml import (
    Overlay,
    XmlValueError,
    XNode,
    compile_shape,
    escape_text,
    scalar_from_text,
    write_members,
)
from awsmock.engine import registry
from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel, Shape
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse

__all__ = ["QueryProtocol", "error_code_for", "read_flat", "write_error_fields"]

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
CONTENT_TYPE = "text/xml"

_MISSING: Any = object()


class _ServiceInfo:
    """What the query/ec2 protocols cache per service model."""

    __slots__ = (
        "error_codes",
        "error_shapes",
        "from_path",
        "namespace",
        "operations",
        "overlay",
        "patterns",
        "style",
    )

    def __init__(self, service: ServiceModel, ec2: bool) -> None:
        self.operations = frozenset(service.operation_names)
        facts = registry.facts(service.service_name)
        # the model's own protocols (specs.protocols_of adds "query" for query-compatible ones)
        native = "query" in (service.metadata.get("protocols") or [service.metadata.get("protocol")]) or ec2
        self.overlay: Overlay | None = None
        self.style = "validation-error"
        #: the model's ``pattern`` constraints are checked (services whose documentation states
        #: that they apply them)
        self.patterns = facts.patterns
        self.error_codes: dict[str, str] = dict(facts.legacy_error_codes)
        #: (member, path pattern): a member the request's path names (see QueryQuirks)
        self.from_path: tuple[str, re.Pattern[str]] | None = None
        quirks = facts.query
        if not native and quirks is not None:
            self.overlay = Overlay(
                name=f"{service.service_name}-query",
                shapes={k: dict(v) for k, v in quirks.shapes.items()},
                members=dict(quirks.members),
                namespace=quirks.namespace,
            )
            if quirks.missing_parameter_style:
                self.style = "missing-parameter"
            if quirks.member_from_path is not None:
                member, pattern = quirks.member_from_path
                self.from_path = (member, re.compile(pattern))
        if ec2:
            self.style = "missing-parameter"
        md = service.metadata
        if ec2:
            self.namespace = f"http://ec2.amazonaws.com/doc/{md.get('apiVersion', '2016-11-15')}/"
        elif self.overlay is not None and self.overlay.namespace:
            self.namespace = self.overlay.namespace
        else:
            self.namespace = md.get("xmlNamespace") or (
                f"https://{md.get('endpointPrefix', service.service_name)}.amazonaws.com/doc/{md.get('apiVersion', '')}/"
            )
        shapes: dict[str, Shape] = {}
        for shape in service.error_shapes:
            code = shape.error_code
            shapes.setdefault(code, shape)
            shapes.setdefault(shape.name, shape)
            if code != shape.name and not ec2:
                self.error_codes.setdefault(shape.name, code)
        self.error_shapes = shapes


_infos: weakref.WeakKeyDictionary[ServiceModel, dict[bool, _ServiceInfo]] = weakref.WeakKeyDictionary()


def _info(service: ServiceModel, ec2: bool = False) -> _ServiceInfo:
    per = _infos.get(service)
    if per is None:
        per = {}
        _infos[service] = per
    info = per.get(ec2)
    if info is None:
        info = per[ec2] = _ServiceInfo(service, ec2)
    return info


def error_code_for(service: ServiceModel, code: str, ec2: bool = False) -> str:
    """The code the query / ec2 protocol writes for an error raised with ``code``."""
    return _info(service, ec2).error_codes.get(code, code)


# --------------------------------------------------------------------------------------------
# reading flattened query params


class _Prefixes:
    """Every dotted prefix of the param names, and the list / map indexes under each."""

    __slots__ = ("indexes", "keys")

    def __init__(self, params: dict[str, str]) -> None:
        keys: set[str] = set()
        indexes: dict[str, set[int]] = {}
        for key in params:
            keys.add(key)
            i = key.find(".")
            while i >= 0:
                keys.add(key[:i])
                j = key.find(".", i + 1)
                seg = key[i + 1 : j if j >= 0 else len(key)]
                if seg.isdigit():
                    indexes.setdefault(key[:i], set()).add(int(seg))
                i = j
        self.keys = keys
        self.indexes = indexes

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def under(self, base: str) -> list[int]:
        """The numeric indexes ``N`` of ``base.N...`` params, sorted (gaps allowed)."""
        return sorted(self.indexes.get(base, ()))


class MissingMapValue(Exception):
    """A map entry with its key and without its value (``Attribute.1.Name=x`` alone): ``param``
    is the name the value is missing under (``Attribute.1.Value``)."""

    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param


def read_flat(node: XNode, params: dict[str, str], ec2: bool = False) -> dict[str, Any]:
    """Client-side params of structure ``node`` from flattened query ``params``."""
    value = _read(node, params, _Prefixes(params), "", ec2, "")
    return value if value is not _MISSING else {}


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _read(node: XNode, params: dict[str, str], prefixes: _Prefixes, key: str, ec2: bool, member: str) -> Any:
    t = node.type
    if t == "structure":
        if key and key not in prefixes:
            return _MISSING
        out: dict[str, Any] = {}
        for m in node.members.values():
            mkey = _join(key, m.ec2_key if ec2 else m.query_key)
            v = _read(m.node, params, prefixes, mkey, ec2, m.name)
            if v is _MISSING and m.alt_key is not None:
                v = _read(m.node, params, prefixes, _join(key, m.alt_key), ec2, m.name)
            if v is not _MISSING:
                out[m.name] = v
        return out
    if t == "list":
        if key not in prefixes:
            return _MISSING
        item = node.member
        assert item is not None
        if ec2 or node.flattened:
            base = key
        else:
            base = f"{key}.{node.item_name}"
        items: list[Any] = []
        for i in prefixes.under(base):
            v = _read(item, params, prefixes, f"{base}.{i}", ec2, member)
            if v is not _MISSING:
                items.append(v)
        return items
    if t == "map":
        if key not in prefixes:
            return _MISSING
        knode, vnode = node.key, node.value
        assert knode is not None and vnode is not None
        base = key if node.flattened else f"{key}.entry"
        out_map: dict[Any, Any] = {}
        for i in prefixes.under(base):
            ek = f"{base}.{i}"
            k = _read(knode, params, prefixes, f"{ek}.{node.key_name}", ec2, member)
            v = _read(vnode, params, prefixes, f"{ek}.{node.value_name}", ec2, member)
            if k is not _MISSING:
                if v is _MISSING:  # the query wire has no null: a key without its value is malformed
                    raise MissingMapValue(f"{ek}.{node.value_name}")
                out_map[k] = v
        return out_map
    text = params.get(key)
    if text is None:
        return _MISSING
    return scalar_from_text(node, text, member)


# --------------------------------------------------------------------------------------------
# errors


def write_error_fields(out: list[str], shape: Shape | None, fields: dict[str, Any]) -> None:
    """Append an error's extra ``fields`` (by its modeled shape when known)."""
    if not fields:
        return
    if shape is not None:
        node = compile_shape(shape)
        known = {k: v for k, v in fields.items() if k in node.members and k not in ("Code", "Message")}
        write_members(out, node, known, skip_bound=True)
        rest = {k: v for k, v in fields.items() if k not in node.members}
    else:
        rest = fields
    for k, v in rest.items():
        if v is None or isinstance(v, (dict, list)):
            continue
        text = v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
        out.append(f"<{k}>{escape_text(text)}</{k}>")


def _too_large() -> AwsError:
    """A body over the size awsmock reads into memory: the JSON protocols' answer."""
    return AwsError("Request entity too large", code="RequestEntityTooLarge", status=413)


def _bad_value(exc: XmlValueError) -> AwsError:
    return AwsError(
        f"Value ({exc.value}) for parameter {exc.member} is invalid.",
        code="InvalidParameterValue",
        status=400,
    )


def _violation_error(style: str, violations: list[Violation]) -> AwsError:
    if style == "missing-parameter":
        v = violations[0]
        if v.kind == "required":
            return AwsError(
                f"The request must contain the parameter {v.member}.", code="MissingParameter", status=400
            )
        return AwsError(
            f"Value ({aws_value(v.value).strip(chr(39))}) for parameter {v.dotted_path} is invalid. {v.constraint}.",
            code="InvalidParameterValue",
            status=400,
        )
    return AwsError(validation_message(violations), code="ValidationError", status=400)


# --------------------------------------------------------------------------------------------
# the protocol


class QueryProtocol(Protocol):
    name = "query"
    _ec2 = False

    # -- request side ---------------------------------------------------------------------------

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        if "Action" in req.query_dict:
            return True
        if req.method != "POST":
            return False
        ctype = req.headers.get("content-type", "")
        if ctype and not ctype.startswith("application/x-www-form-urlencoded"):
            return False
        try:
            return "Action" in req.form
        except BodyTooLarge:
            return True  # a form too large to read: a query request, answered as too large

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        try:
            action = req.form.get("Action") or req.query_dict.get("Action")
        except BodyTooLarge as exc:
            # the Action is in the body that was too large to read: the size is the error, as
            # the JSON protocols answer it (not "unknown operation")
            raise _too_large() from exc
        if action and action in _info(service, self._ec2).operations:
            return action
        return None

    def _flat_params(self, req: WireRequest) -> dict[str, str]:
        params = dict(req.query_dict)
        if req.method == "POST":
            try:
                params.update(req.form)
            except BodyTooLarge as exc:
                raise _too_large() from exc
        params.pop("Action", None)
        params.pop("Version", None)
        return params

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        shape = operation.input_shape
        if shape is None:
            return params
        info = _info(operation.service_model, self._ec2)
        strict = info.style == "validation-error"
        violations = validate(shape, params, enums=strict, ranges=strict, patterns=info.patterns, types=False)
        if violations:
            raise _violation_error(info.style, violations)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        shape = operation.input_shape
        if shape is None:
            return {}
        info = _info(operation.service_model, self._ec2)
        node = compile_shape(shape, info.overlay)
        try:
            params = read_flat(node, self._flat_params(req), self._ec2)
        except XmlValueError as exc:
            raise _bad_value(exc) from None
        except MissingMapValue as exc:
            missing = Violation("required", (exc.param,), None, "Member must not be null")
            raise _violation_error(info.style, [missing]) from None
        from_path = info.from_path
        if from_path is not None and from_path[0] in shape.members and from_path[0] not in params:
            # older SDKs post to the resource's URL itself, without the member naming it
            path = req.decoded_path
            if from_path[1].match(path):
                params[from_path[0]] = f"{req.endpoint}{path}"
        return params

    # -- response side --------------------------------------------------------------------------

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        info = _info(operation.service_model, self._ec2)
        name = operation.name
        out = [XML_DECL, f'<{name}Response xmlns="{info.namespace}">']
        shape = operation.output_shape
        if shape is not None:
            node = compile_shape(shape, info.overlay)
            wrapper = shape.serialization.get("resultWrapper")
            if wrapper is None and info.overlay is not None:
                wrapper = f"{name}Result"
            if wrapper:
                out.append(f"<{wrapper}>")
                write_members(out, node, result or {})
                out.append(f"</{wrapper}>")
            else:
                write_members(out, node, result or {})
        out.append(f"<ResponseMetadata><RequestId>{escape_text(request_id)}</RequestId></ResponseMetadata>")
        out.append(f"</{name}Response>")
        return _response(200, out, request_id)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = _info(service, self._ec2)
        code = info.error_codes.get(error.code, error.code)
        kind = "Sender" if error.sender_fault else "Receiver"
        out = [
            XML_DECL,
            f'<ErrorResponse xmlns="{info.namespace}"><Error><Type>{kind}</Type>'
            f"<Code>{escape_text(code)}</Code><Message>{escape_text(error.message or '')}</Message>",
        ]
        write_error_fields(
            out, info.error_shapes.get(error.code) or info.error_shapes.get(code), error.fields
        )
        out.append(f"</Error><RequestId>{escape_text(request_id)}</RequestId></ErrorResponse>")
        resp = _response(error.status, out, request_id)
        resp.headers.update(error.headers)
        return resp


def _response(status: int, out: list[str], request_id: str) -> WireResponse:
    body = "".join(out).encode("utf-8")
    return WireResponse(
        status=status,
        headers={
            "Content-Type": CONTENT_TYPE,
            "x-amzn-RequestId": request_id,
            "Content-Length": str(len(body)),
        },
        body=body,
    )
