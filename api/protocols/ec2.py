"""The AWS ``ec2`` protocol: the query protocol's request form with EC2's own twists.

Requests: like :mod:`.query`, except names come from ``queryName`` or the capitalised
``locationName`` and every list is ``Name.N`` (no ``member`` segment, no flattening rules).

Responses carry no result wrapper and a lower-case ``requestId``::

    <OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <requestId>id</requestId>...output members (lowerCamel locationNames)...
    </OpResponse>

Errors::

    <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID>id</RequestID></Response>

Validation: a missing required member is ``MissingParameter`` ("The request must contain the
parameter X."), an unreadable value ``InvalidParameterValue``, as EC2 answers them; EC2 applies
no enum / length checks at the protocol level.
"""

from __future__ import annotations

from typing import Any

from awsmock.api.protocols.query import XML_DECL, QueryProtocol, _info, _response, write_error_fields
from awsmock.api.protocols.xml import compile_shape, escape_text, write_members
from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel
from awsmock.engine.wire import WireResponse

__all__ = ["Ec2Protocol"]


class Ec2Protocol(QueryProtocol):
    name = "ec2"
    _ec2 = True

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        info = _info(operation.service_model, True)
        name = operation.name
        out = [
            XML_DECL,
            f'<{name}Response xmlns="{info.namespace}"><requestId>{escape_text(request_id)}</requestId>',
        ]
        shape = operation.output_shape
        if shape is not None:
            write_members(out, compile_shape(shape), result or {})
        out.append(f"</{name}Response>")
        return _response(200, out, request_id)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = _info(service, True)
        out = [
            XML_DECL,
            f"<Response><Errors><Error><Code>{escape_text(error.code)}</Code>"
            f"<Message>{escape_text(error.message or '')}</Message>",
        ]
        write_error_fields(out, info.error_shapes.get(error.code), error.fields)
        out.append(f"</Error></Errors><RequestID>{escape_text(request_id)}</RequestID></Response>")
        resp = _response(error.status, out, request_id)
        resp.headers.update(error.headers)
        return resp
