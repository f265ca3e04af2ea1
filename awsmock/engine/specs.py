"""The one module that talks to botocore's model API.

Everything else in awsmock asks this module for service and operation models, so a change in
botocore's loader or model classes touches one file. Models are loaded once and cached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

import botocore.loaders
import botocore.model
from botocore.model import OperationModel, ServiceModel, Shape

__all__ = [
    "OperationModel",
    "ServiceModel",
    "Shape",
    "all_service_names",
    "error_shape",
    "index_by",
    "is_sparse",
    "operation",
    "operation_model",
    "operation_name_set",
    "per_model",
    "protocols_of",
    "service_model",
    "service_name_set",
    "services_by_endpoint_prefix",
    "services_by_signing_name",
    "services_by_target_prefix",
]

_lock = threading.Lock()

_M = TypeVar("_M")
_T = TypeVar("_T")


def per_model(build: Callable[[_M], _T]) -> Callable[[_M], _T]:
    """``build(model)`` made once per model object (a service or operation model: they live for
    the process, this module keeps them). Keyed by the model itself (botocore's models hash and
    compare by identity), which it holds: a WeakKeyDictionary would make a weak reference on
    every lookup, on every request."""
    made: dict[Any, _T] = {}

    def get(model: _M) -> _T:
        value = made.get(model)
        if value is None:
            value = made[model] = build(model)
        return value

    get.__doc__ = build.__doc__
    return get


_loader = botocore.loaders.create_loader()
_models: dict[str, ServiceModel] = {}  # the models service_model() has loaded


@cache
def all_service_names() -> tuple[str, ...]:
    return tuple(sorted(_loader.list_available_services("service-2")))


@cache
def service_name_set() -> frozenset[str]:
    """:func:`all_service_names` for membership tests (a hot check: ~400 names)."""
    return frozenset(all_service_names())


def operation_name_set(model: ServiceModel) -> frozenset[str]:
    """The model's operation names for membership tests (botocore's is a list)."""
    names: frozenset[str] | None = model.__dict__.get("_awsmock_operation_names")
    if names is None:
        names = model.__dict__["_awsmock_operation_names"] = frozenset(model.operation_names)
    return names


@per_model
def _operations(model: ServiceModel) -> dict[str, OperationModel]:
    """The operation models of ``model`` looked up so far, by name."""
    return {}


def operation(model: ServiceModel, name: str) -> OperationModel | None:
    """``model.operation_model(name)``, None for a name the model lacks (remembered per model:
    botocore's instance cache costs a call chain per lookup)."""
    ops = _operations(model)
    found = ops.get(name)
    if found is None and name in operation_name_set(model):
        found = ops[name] = model.operation_model(name)
    return found


@cache
def service_model(name: str) -> ServiceModel:
    """botocore's model of service ``name`` (``KeyError`` when botocore has none)."""
    if name not in service_name_set():
        raise KeyError(name)
    with _lock:
        data = _loader.load_service_model(name, "service-2")
    model = ServiceModel(data, service_name=name)
    _models[name] = model
    return model


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@cache
def error_shape(service: str, name: str) -> Shape | None:
    """The error shape ``name`` of ``service``'s model (by shape name or wire code), or None."""
    for shape in service_model(service).error_shapes:
        if name in (shape.name, shape.error_code):
            return shape
    return None


def is_sparse(shape: Shape) -> bool:
    """Whether a list or map shape holds nulls (Smithy's ``@sparse``; botocore keeps the trait
    in the shape's model only): a dense one does not, and a null in it is malformed input."""
    return bool(getattr(shape, "_shape_model", {}).get("sparse"))


def protocols_of(model: ServiceModel) -> tuple[str, ...]:
    """Every wire protocol the service speaks, preferred first."""
    protocols = list(model.metadata.get("protocols") or [model.metadata["protocol"]])
    if "awsQueryCompatible" in model.metadata and "query" not in protocols:
        # services that moved from query to JSON (SQS) still answer older SDKs' query requests
        protocols.append("query")
    return tuple(protocols)


@cache
def service_metadata(name: str) -> dict:
    """A service's ``metadata`` block, without keeping its whole model in memory.

    Detection indexes need only metadata; botocore's loader caches every model it loads (tens of
    MiB for all services), so metadata is read through a throwaway loader unless the model is
    loaded already.
    """
    model = _models.get(name)
    if model is not None:
        return dict(model.metadata)
    loader = botocore.loaders.create_loader()
    return dict(loader.load_service_model(name, "service-2").get("metadata", {}))


def index_by(key: str, names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Services ``names`` by a metadata ``key`` (``signingName`` falls back to the endpoint
    prefix, as botocore signs)."""
    out: dict[str, list[str]] = {}
    for name in names:
        md = service_metadata(name)
        value = md.get(key)
        if key == "signingName" and not value:
            value = md.get("endpointPrefix")
        if value:
            out.setdefault(value, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _index(key: str) -> dict[str, tuple[str, ...]]:
    return index_by(key, all_service_names())


@cache
def services_by_signing_name() -> dict[str, tuple[str, ...]]:
    return _index("signingName")


@cache
def services_by_target_prefix() -> dict[str, tuple[str, ...]]:
    return _index("targetPrefix")


@cache
def services_by_endpoint_prefix() -> dict[str, tuple[str, ...]]:
    return _index("endpointPrefix")
