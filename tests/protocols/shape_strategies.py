"""Hypothesis strategies built from botocore shapes, for protocol round-trip tests.

Generic over every protocol: the values are what a boto3 client takes / returns (bytes for
blobs, tz-aware UTC datetimes for timestamps, dicts and lists), and they avoid values that
legitimately do not survive a wire round trip (NaN, sub-second header timestamps, header
strings with control characters, empty location-bound lists...).

    from tests.protocols.shape_strategies import ShapeStrategies

    ss = ShapeStrategies(timestamp_precision="s")
    st_input = ss.input(operation_model)      # params for botocore's serializer
    st_output = ss.output(operation_model)    # a handler's result (no ResponseMetadata)
    st_error = ss.structure(error_shape)      # the members of a modeled error
    ss.for_shape(shape, location=None)        # any shape

Options: ``timestamp_precision`` ("s" whole seconds or "ms"), ``max_depth`` (recursion bound),
``max_items`` (list/map sizes), ``max_text`` (string lengths when the model allows more),
``float32`` (``float`` shapes limited to float32-representable values; CBOR sends them as
float32), ``skip_members`` (a predicate ``(structure shape, member name, member shape) ->
bool`` for members a test must leave out).
"""

from __future__ import annotations

import string
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from hypothesis import strategies as st

from awsmock.engine.specs import OperationModel, Shape

_TS_MIN = datetime(1971, 1, 1)
_TS_MAX = datetime(2100, 1, 1)
_HEADER_ALPHABET = string.ascii_letters + string.digits + " ._-/:=+"
_KEY_ALPHABET = string.ascii_lowercase + string.digits
_TEXT = st.characters(codec="utf-8", exclude_categories=["Cs"])

SkipFn = Callable[[Shape, str, Shape], bool]


def _float32(x: float) -> float:
    return struct.unpack(">f", struct.pack(">f", x))[0]


def _json_values(depth: int = 2) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**31), 2**31),
        st.text(_TEXT, max_size=8),
    )
    if depth <= 0:
        return scalars
    inner = _json_values(depth - 1)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(_TEXT, max_size=6), inner, max_size=3),
    )


class ShapeStrategies:
    def __init__(
        self,
        *,
        timestamp_precision: Literal["s", "ms"] = "s",
        max_depth: int = 3,
        max_items: int = 3,
        max_text: int = 12,
        float32: bool = True,
        skip_members: SkipFn | None = None,
    ) -> None:
        self.timestamp_precision = timestamp_precision
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_text = max_text
        self.float32 = float32
        self.skip_members = skip_members

    # -- entry points

    def input(self, operation: OperationModel) -> st.SearchStrategy[dict[str, Any]]:
        shape = operation.input_shape
        if shape is None:
            return st.just({})
        return self.structure(shape, top=True)

    def output(self, operation: OperationModel) -> st.SearchStrategy[dict[str, Any]]:
        shape = operation.output_shape
        if shape is None:
            return st.just({})
        return self.structure(shape, top=True)

    def for_shape(self, shape: Shape, location: str | None = None, depth: int = 0) -> st.SearchStrategy[Any]:
        t = shape.type_name
        if t == "structure":
            if getattr(shape, "is_document_type", False):
                return _json_values()
            return self.structure(shape, depth=depth)
        if t == "list":
            return self._list(shape, location, depth)
        if t == "map":
            return self._map(shape, location, depth)
        if t == "string":
            return self._string(shape, location)
        if t in ("integer", "long"):
            return self._integer(shape, location)
        if t in ("float", "double"):
            return self._float(shape)
        if t == "boolean":
            return st.booleans()
        if t == "timestamp":
            return self._timestamp(location)
        if t == "blob":
            return self._blob(shape, location)
        raise ValueError(f"no strategy for {t}")

    # -- containers

    def structure(self, shape: Shape, depth: int = 0, top: bool = False) -> st.SearchStrategy[dict[str, Any]]:
        required = set(shape.required_members)
        members = shape.members
        if getattr(shape, "is_tagged_union", False):
            # exactly one member; deep down, scalar members only (bounded recursion)
            names = [n for n, m in members.items() if not m.serialization.get("eventstream")]
            if depth >= self.max_depth:
                flat = [n for n in names if members[n].type_name not in ("structure", "list", "map")]
                names = flat or names
            if depth > self.max_depth + 8 or not names:
                return st.nothing()
            return st.one_of(
                *[st.fixed_dictionaries({n: self.for_shape(members[n], None, depth + 1)}) for n in names]
            )
        payload = shape.serialization.get("payload")
        req: dict[str, st.SearchStrategy[Any]] = {}
        opt: dict[str, st.SearchStrategy[Any]] = {}
        for name, member in members.items():
            if member.serialization.get("eventstream"):
                continue
            if self.skip_members is not None and self.skip_members(shape, name, member):
                continue
            loc = member.serialization.get("location") if top else None
            if loc is None and top and name == payload and member.type_name in ("blob", "string"):
                loc = "payload"
            if loc == "statusCode":  # a response always has a status: always present
                req[name] = st.sampled_from([200, 201, 202])
                continue
            strat: st.SearchStrategy[Any]
            if loc == "uri" and member.type_name == "string" and not member.metadata.get("enum"):
                strat = self._label(member)
            else:
                if depth >= self.max_depth and name not in required:
                    continue
                strat = self.for_shape(member, loc, depth + 1)
            if name in required:
                req[name] = strat
            else:
                opt[name] = strat
        return st.fixed_dictionaries(req, optional=opt)

    def _label(self, member: Shape) -> st.SearchStrategy[str]:
        # uri labels: non-empty, within the member's length bounds (any text: botocore
        # percent-encodes them, greedy ones keep '/')
        lo = max(1, int(member.metadata.get("min", 0) or 0))
        hi = member.metadata.get("max")
        hi = max(lo, min(int(hi), lo + self.max_text)) if hi is not None else max(lo, self.max_text)
        return st.text(_TEXT, min_size=lo, max_size=hi).filter(lambda s: s not in (".", ".."))

    def _sizes(self, shape: Shape, location: str | None) -> tuple[int, int]:
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
        cap = max(lo, self.max_items)
        hi = cap if hi is None else max(lo, min(int(hi), cap))
        if location in ("querystring", "header", "headers"):
            lo = max(lo, 1)
            hi = max(hi, 1)
        return lo, hi

    def _list(self, shape: Shape, location: str | None, depth: int) -> st.SearchStrategy[list[Any]]:
        lo, hi = self._sizes(shape, location)
        if depth >= self.max_depth + 6:
            return st.nothing() if lo else st.just([])
        if depth >= self.max_depth + 2:
            hi = lo
        item_loc = location if location in ("querystring", "header") else None
        item = self.for_shape(shape.member, item_loc, depth + 1)
        if location == "header" and shape.member.type_name == "string":
            item = item.filter(lambda s: s != "" and s.strip() == s)
        return st.lists(item, min_size=lo, max_size=hi)

    def _map(self, shape: Shape, location: str | None, depth: int) -> st.SearchStrategy[dict[Any, Any]]:
        lo, hi = self._sizes(shape, location)
        if depth >= self.max_depth + 6:
            return st.nothing() if lo else st.just({})
        if depth >= self.max_depth + 2:
            hi = lo
        if location == "headers":
            keys: st.SearchStrategy[Any] = st.text(_KEY_ALPHABET, min_size=1, max_size=8)
            values: st.SearchStrategy[Any] = self._header_text(shape.value)
        elif location == "querystring":
            keys = st.text(string.ascii_lowercase, min_size=1, max_size=8).map(lambda s: "q_" + s)
            if shape.value.type_name == "list":
                values = st.lists(st.text(_TEXT, max_size=self.max_text), min_size=1, max_size=self.max_items)
            else:
                values = st.text(_TEXT, max_size=self.max_text)
        else:
            keys = self._string(shape.key, None)
            values = self.for_shape(shape.value, None, depth + 1)
        return st.dictionaries(keys, values, min_size=lo, max_size=hi)

    # -- scalars

    def _header_text(self, shape: Shape) -> st.SearchStrategy[str]:
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = max(lo, min(int(shape.metadata.get("max", self.max_text)), self.max_text))
        return st.text(_HEADER_ALPHABET, min_size=max(lo, 1), max_size=max(hi, 1)).filter(
            lambda s: s.strip() == s
        )

    def _string(self, shape: Shape, location: str | None) -> st.SearchStrategy[Any]:
        enum = shape.metadata.get("enum")
        if enum:
            return st.sampled_from(list(enum))
        if location == "header":
            if shape.serialization.get("jsonvalue"):
                return st.dictionaries(st.text(_KEY_ALPHABET, max_size=5), _json_values(1), max_size=3)
            return self._header_text(shape)
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
        hi = max(lo, min(int(hi), lo + self.max_text)) if hi is not None else lo + self.max_text
        if location == "uri":
            lo = max(lo, 1)
        return st.text(_TEXT, min_size=lo, max_size=max(hi, lo))

    def _integer(self, shape: Shape, location: str | None) -> st.SearchStrategy[int]:
        bits = 31 if shape.type_name == "integer" else 63
        lo = shape.metadata.get("min", -(2**bits))
        hi = shape.metadata.get("max", 2**bits - 1)
        return st.integers(int(lo), int(hi))

    def _float(self, shape: Shape) -> st.SearchStrategy[float]:
        lo = shape.metadata.get("min")
        hi = shape.metadata.get("max")
        width: Literal[16, 32, 64] = 32 if (shape.type_name == "float" and self.float32) else 64
        return st.floats(
            min_value=None if lo is None else float(lo),
            max_value=None if hi is None else float(hi),
            allow_nan=False,
            allow_infinity=False,
            width=width,
        )

    def _timestamp(self, location: str | None) -> st.SearchStrategy[datetime]:
        base = st.datetimes(min_value=_TS_MIN, max_value=_TS_MAX)
        if self.timestamp_precision == "s" or location == "header":
            return base.map(lambda d: d.replace(microsecond=0, tzinfo=UTC))
        return base.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=UTC))

    def _blob(self, shape: Shape, location: str | None) -> st.SearchStrategy[bytes]:
        lo = int(shape.metadata.get("min", 0) or 0)
        hi = shape.metadata.get("max")
        hi = max(lo, min(int(hi), lo + 32)) if hi is not None else lo + 32
        if location == "header":
            lo = max(lo, 1)
        return st.binary(min_size=lo, max_size=max(hi, lo))


__all__ = ["ShapeStrategies"]
