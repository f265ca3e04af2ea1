"""The contract every wire protocol implements.

A protocol turns a :class:`~awsmock.engine.wire.WireRequest` into ``(operation name, params)``
by walking botocore's input shapes, and a handler's result dict (or an
:class:`~awsmock.engine.errors.AwsError`) into a :class:`~awsmock.engine.wire.WireResponse` by walking
the output / error shapes. No protocol knows any service; service quirks are small, named
exceptions inside the protocol module that needs them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel
from awsmock.engine.wire import WireRequest, WireResponse


class Protocol(ABC):
    #: botocore's protocol name: query, ec2, json, rest-json, rest-xml, smithy-rpc-v2-cbor
    name: ClassVar[str]

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        """Whether ``req`` is in this protocol's format (services that speak several protocols,
        e.g. SQS json+query or CloudWatch cbor+json+query, are told apart by this)."""
        return True

    @abstractmethod
    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        """The operation ``req`` calls (``X-Amz-Target``, ``Action``, REST route...), or None."""

    @abstractmethod
    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The input params, shaped like botocore's client-side params for the operation.

        Raises :class:`AwsError` (the service's validation error) for invalid input.
        """

    @abstractmethod
    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        """The HTTP response for a handler's ``result`` (shaped like the output shape)."""

    @abstractmethod
    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        """The HTTP response for ``error`` in this protocol's error format."""
