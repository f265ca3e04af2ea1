"""Property-based round trips of the JSON-family protocols against botocore itself.

For every operation of the services below:

* input: generated params -> botocore's serializer -> our parse -> the same params;
* output: a generated result -> our serializer -> botocore's parser -> the same result;
* errors: every modeled error of the service, with generated members -> our error serializer
  -> botocore's parser -> the same code (the legacy code for query-compatible services),
  message and members.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from botocore.parsers import create_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsmock.api.protocols import get
from awsmock.engine import registry, specs
from awsmock.engine.errors import AwsError
from tests.protocols.shape_strategies import ShapeStrategies
from tests.protocols.vectors import (
    botocore_sends,
    error_params,
    has_raw_payload,
    normalize,
    response_dict,
    response_headers,
    routed,
)

SERVICES = {
    "dynamodb": "json",
    "dynamodbstreams": "json",
    "sqs": "json",
    "kinesis": "json",
    "kms": "json",
    "logs": "json",
    "secretsmanager": "json",
    "lambda": "rest-json",
    "cloudwatch": "smithy-rpc-v2-cbor",
}

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

INPUTS = ShapeStrategies(timestamp_precision="s")
OUTPUTS = ShapeStrategies(timestamp_precision="ms")


def _ops(direction: str) -> list[Any]:
    out = []
    for svc, protocol in SERVICES.items():
        model = specs.service_model(svc)
        for name in model.operation_names:
            op = model.operation_model(name)
            marks = []
            if direction == "output" and op.has_event_stream_output:
                marks = [
                    pytest.mark.skip(reason="event-stream output: see test_event_stream_output_roundtrip")
                ]
            if direction == "input" and op.has_event_stream_input:
                marks = [pytest.mark.skip(reason="event-stream input is not implemented")]
            out.append(pytest.param(svc, protocol, name, id=f"{svc}.{name}", marks=marks))
    return out


def _strip_empty_payload(parsed: dict[str, Any], expected: dict[str, Any], shape: Any) -> dict[str, Any]:
    """An absent payload and an empty one look the same on the wire (botocore turns an absent
    structure payload into ``{}``, an absent blob into ``b""``); compare without them."""
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload and not expected.get(payload) and normalize(parsed.get(payload), None) in ({}, None, ""):
        parsed.pop(payload, None)
        expected.pop(payload, None)
    return parsed


@cache
def _strategies(svc: str, name: str) -> tuple[Any, Any]:
    op = specs.operation_model(svc, name)
    return INPUTS.input(op), OUTPUTS.output(op)


@pytest.mark.parametrize(("svc", "protocol", "name"), _ops("input"))
@SETTINGS
@given(data=st.data())
def test_input_roundtrip(svc: str, protocol: str, name: str, data: st.DataObject) -> None:
    op = specs.operation_model(svc, name)
    params = data.draw(_strategies(svc, name)[0], label="params")
    req = botocore_sends(protocol, op, params)
    parsed = routed(protocol, req, op).parse(req, op)
    parsed = _strip_empty_payload(parsed, params, op.input_shape)
    assert normalize(parsed, op.input_shape) == normalize(params, op.input_shape)


@pytest.mark.parametrize(("svc", "protocol", "name"), _ops("output"))
@SETTINGS
@given(data=st.data())
def test_output_roundtrip(svc: str, protocol: str, name: str, data: st.DataObject) -> None:
    op = specs.operation_model(svc, name)
    result = data.draw(_strategies(svc, name)[1], label="result")
    resp = get(protocol).serialize(op, result, "req-1")
    parsed = create_parser(protocol).parse(
        response_dict(resp, has_raw_payload(op.output_shape)), op.output_shape
    )
    parsed.pop("ResponseMetadata", None)
    parsed = _strip_empty_payload(parsed, result, op.output_shape)
    assert normalize(parsed, op.output_shape) == normalize(result, op.output_shape)


@pytest.mark.parametrize(("svc", "protocol", "shape_name"), error_params(SERVICES))
@SETTINGS
@given(data=st.data())
def test_error_roundtrip(svc: str, protocol: str, shape_name: str, data: st.DataObject) -> None:
    service = specs.service_model(svc)
    shape = service.shape_for(shape_name)
    fields = data.draw(OUTPUTS.structure(shape, top=True), label="fields")
    message = data.draw(st.text(max_size=20), label="message")
    fields.pop("message", None)
    fields.pop("Message", None)
    err = AwsError(message, code=shape_name, **fields)
    op = service.operation_model(service.operation_names[0])
    resp = get(protocol).serialize_error(service, op, err, "req-1")
    assert resp.status >= 400
    raw = response_dict(resp)
    parser = create_parser(protocol)
    parsed = parser.parse(raw, op.output_shape)
    expected_code = _expected_code(svc, shape)
    assert parsed["Error"]["Code"] == expected_code
    assert parsed["Error"]["Message"] == message
    error_shape = service.shape_for_error_code(expected_code) or service.shape_for_error_code(
        parsed["Error"].get("QueryErrorCode", "")
    )
    # several shapes may share one code (CloudWatch: ResourceNotFound); botocore picks one
    assert error_shape is not None and error_shape.error_code == shape.error_code
    modeled = parser.parse(raw, shape)
    modeled.pop("ResponseMetadata", None)
    for key in ("message", "Message"):
        if key in modeled:
            assert modeled.pop(key) == message
    assert normalize(modeled, shape) == normalize(fields, shape)


def _expected_code(svc: str, shape: Any) -> str:
    legacy = registry.facts(svc).legacy_error_codes  # query-compatible codes the model lost
    if legacy:
        return legacy.get(shape.name, shape.name)
    return shape.error_code


class _RawStream:
    """What botocore's EventStream reads: ``stream()`` chunks and ``close()``."""

    def __init__(self, chunks: Any) -> None:
        self._chunks = chunks

    def stream(self) -> Any:
        return iter(self._chunks)

    def close(self) -> None:
        pass


def _event_stream_ops() -> list[Any]:
    out = []
    for svc, protocol in SERVICES.items():
        model = specs.service_model(svc)
        for name in model.operation_names:
            if model.operation_model(name).has_event_stream_output and protocol != "smithy-rpc-v2-cbor":
                out.append(pytest.param(svc, protocol, name, id=f"{svc}.{name}"))
    return out


@pytest.mark.parametrize(("svc", "protocol", "name"), _event_stream_ops())
@SETTINGS
@given(data=st.data())
def test_event_stream_output_roundtrip(svc: str, protocol: str, name: str, data: st.DataObject) -> None:
    op = specs.operation_model(svc, name)
    shape = op.output_shape
    stream_name = shape.event_stream_name
    stream_shape = shape.members[stream_name]
    result = data.draw(_strategies(svc, name)[1], label="result")
    events = data.draw(
        st.lists(
            st.one_of(
                *[
                    st.fixed_dictionaries({n: OUTPUTS.for_shape(m, None, 1)})
                    for n, m in stream_shape.members.items()
                    if not m.metadata.get("exception")
                ]
            ),
            max_size=3,
        ),
        label="events",
    )
    resp = get(protocol).serialize(op, {**result, stream_name: iter(events)}, "req-1")
    assert not isinstance(resp.body, bytes)  # streamed, not joined
    raw = {
        "status_code": resp.status,
        "headers": response_headers(resp),
        "body": _RawStream(resp.iter_body()),
        "context": {"operation_name": name},
    }
    parsed = create_parser(protocol).parse(raw, shape)
    parsed.pop("ResponseMetadata", None)
    got = [normalize(e, stream_shape) for e in parsed.pop(stream_name)]
    assert got == [normalize(_with_empty_payload(e, stream_shape), stream_shape) for e in events]
    for mname, member in shape.members.items():
        # a member bound to Content-Type reads the event stream's own media type when unset
        if member.serialization.get("name", "").lower() == "content-type" and mname not in result:
            assert parsed.pop(mname, None) in (None, "application/vnd.amazon.eventstream")
    assert normalize(parsed, shape) == normalize(result, shape)


def _with_empty_payload(event: dict[str, Any], stream_shape: Any) -> dict[str, Any]:
    """An absent raw event payload arrives as an empty one."""
    out = {}
    for name, value in event.items():
        value = dict(value)
        for mname, member in stream_shape.members[name].members.items():
            raw = member.type_name in ("blob", "string")
            if raw and member.serialization.get("eventpayload") and mname not in value:
                value[mname] = b""
        out[name] = value
    return out
