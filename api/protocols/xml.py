"""XML writing and reading shared by the ``query``, ``ec2`` and ``rest-xml`` protocols.

Three pieces, all driven by botocore shapes:

* :func:`compile_shape` turns a botocore shape into a small tree of :class:`XNode` /
  :class:`XMember` records holding every name the XML family needs (``locationName``,
  ``queryName``, flattened lists and maps, ``xmlNamespace``, ``xmlAttribute``,
  ``timestampFormat``). Trees are cached per shape object, so a request pays for a dict lookup.
  An :class:`Overlay` adds traits a model lacks (used for named service quirks, e.g. SQS spoken
  over the query protocol, whose current model is JSON-only).
* :func:`write` serializes a value as XML the way AWS services answer and botocore's XML parsers
  read it: structure members under their ``locationName`` (flattened lists under the list
  member's ``locationName``), non-flattened lists as ``<member>`` (or the member's
  ``locationName``) items, maps as ``<entry><key/><value/></entry>`` (flattened: repeated
  ``<Name><key/><value/></Name>``), ``xmlNamespace`` as ``xmlns[:prefix]`` attributes,
  ``xmlAttribute`` members as attributes, timestamps ISO 8601 by default (``timestampFormat``
  honoured), blobs base64, booleans ``true``/``false``.
* :func:`read` turns a document parsed by the guarded reader
  (:func:`awsmock.engine.xmltext.parse_xml`) back into client-side params by the same shape tree.
"""

from __future__ import annotations

import base64
import binascii
import math
import threading
from dataclasses import dataclass, field
from typing import Any

from awsmock.api.protocols.rest import format_timestamp, parse_timestamp
from awsmock.engine.specs import Shape
from awsmock.engine.xmltext import Element, XmlError, escape_attr, escape_text, parse_xml

__all__ = [
    "Element",
    "Overlay",
    "XMember",
    "XNode",
    "XmlError",
    "XmlValueError",
    "compile_shape",
    "escape_attr",
    "escape_text",
    "parse_xml",
    "read",
    "read_struct",
    "scalar_from_text",
    "scalar_text",
    "write",
    "write_members",
]

class XmlValueError(ValueError):
    """A text value that cannot be read as its shape's type (``member`` names the member)."""

    def __init__(self, member: str, value: Any, type_name: str) -> None:
        super().__init__(f"Invalid value {value!r} for {member} ({type_name})")
        self.member = member
        self.value = value
        self.type_name = type_name


# --------------------------------------------------------------------------------------------
# compiled shape trees


@dataclass(frozen=True)
class Overlay:
    """Traits a model lacks, added at compile time (a named quirk, never a template).

    ``shapes`` maps a shape name to serialization traits merged over the shape's own:
    ``flattened``, ``member_name`` (list item element), ``key_name`` / ``value_name`` (map entry
    elements). ``members`` maps a member name to the ``locationName`` it should get when the
    model gives none. ``namespace`` is the document namespace.
    """

    name: str
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    namespace: str | None = None


class XNode:
    """One shape, with the names the XML family needs."""

    __slots__ = (
        "attr_members",
        "body_members",
        "flattened",
        "item_name",
        "item_named",
        "key",
        "key_name",
        "loc",
        "member",
        "members",
        "ns_attr",
        "out_members",
        "shape",
        "ts_format",
        "type",
        "value",
        "value_name",
    )

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.type: str = shape.type_name
        self.loc: str | None = None
        self.flattened = False
        self.ns_attr = ""
        self.ts_format: str | None = None
        self.members: dict[str, XMember] = {}
        self.body_members: tuple[XMember, ...] = ()
        self.out_members: tuple[XMember, ...] = ()
        self.attr_members: tuple[XMember, ...] = ()
        self.member: XNode | None = None
        self.item_name = "member"
        self.item_named = False
        self.key: XNode | None = None
        self.value: XNode | None = None
        self.key_name = "key"
        self.value_name = "value"


class XMember:
    """One member of a structure."""

    __slots__ = (
        "alt_key",
        "attribute",
        "ec2_key",
        "location",
        "name",
        "node",
        "out_key",
        "query_key",
        "wire",
    )

    def __init__(self, name: str, node: XNode, ser: dict[str, Any], rename: str | None) -> None:
        self.name = name
        self.node = node
        self.location: str | None = ser.get("location")
        self.attribute = bool(ser.get("xmlAttribute"))
        loc = ser.get("name") or rename
        # an overlay rename: the model's own member name is accepted on input too
        self.alt_key: str | None = name if rename and not ser.get("name") else None
        self.wire: str = loc or name
        # botocore's XML parsers look a flattened list up by its item's locationName
        if node.type == "list" and node.flattened and node.item_named:
            self.out_key = node.item_name
            self.query_key = node.item_name
        else:
            self.out_key = self.wire
            self.query_key = self.wire
        if "queryName" in ser:
            self.ec2_key: str = ser["queryName"]
        elif loc:
            self.ec2_key = loc[0].upper() + loc[1:]
        else:
            self.ec2_key = name


def _ns_attr(ns: Any) -> str:
    if isinstance(ns, dict):
        uri = ns.get("uri", "")
        prefix = ns.get("prefix")
        name = f"xmlns:{prefix}" if prefix else "xmlns"
        return f' {name}="{escape_attr(uri)}"'
    if isinstance(ns, str):
        return f' xmlns="{escape_attr(ns)}"'
    return ""


_RESPONSE_LOCATIONS = frozenset({"header", "headers", "statusCode"})


def _key(shape: Shape) -> tuple[str, str]:
    return shape.name, repr(sorted(shape.serialization.items()))


def _compile(shape: Shape, overlay: Overlay | None, memo: dict[tuple[str, str], XNode]) -> XNode:
    k = _key(shape)
    hit = memo.get(k)
    if hit is not None:
        return hit
    node = XNode(shape)
    memo[k] = node
    ser = dict(shape.serialization)
    if overlay is not None and shape.name in overlay.shapes:
        ser.update(overlay.shapes[shape.name])
    node.loc = ser.get("name")
    node.flattened = bool(ser.get("flattened"))
    node.ns_attr = _ns_attr(ser.get("xmlNamespace"))
    node.ts_format = ser.get("timestampFormat")
    t = node.type
    if t == "structure":
        members: dict[str, XMember] = {}
        for name, mshape in shape.members.items():
            rename = overlay.members.get(name) if overlay is not None else None
            members[name] = XMember(name, _compile(mshape, overlay, memo), mshape.serialization, rename)
        node.members = members
        node.attr_members = tuple(m for m in members.values() if m.attribute)
        node.body_members = tuple(m for m in members.values() if not m.attribute and m.location is None)
        # in responses only header / headers / statusCode bindings leave the body
        node.out_members = tuple(
            m for m in members.values() if not m.attribute and m.location not in _RESPONSE_LOCATIONS
        )
    elif t == "list":
        named = ser.get("member_name") or shape.member.serialization.get("name")
        node.item_name = named or "member"
        node.item_named = bool(named)
        node.member = _compile(shape.member, overlay, memo)
    elif t == "map":
        node.key_name = ser.get("key_name") or shape.key.serialization.get("name") or "key"
        node.value_name = ser.get("value_name") or shape.value.serialization.get("name") or "value"
        node.key = _compile(shape.key, overlay, memo)
        node.value = _compile(shape.value, overlay, memo)
    return node


# by (the shape's id, overlay), holding the shape so the id is not reused: the shapes compiled
# are the models' own (cached by botocore for the life of the model, which specs keeps)
_cache: dict[tuple[int, str], tuple[Shape, XNode]] = {}
_cache_lock = threading.Lock()


def compile_shape(shape: Shape, overlay: Overlay | None = None) -> XNode:
    """The :class:`XNode` tree of ``shape`` (cached per shape object and overlay)."""
    key = (id(shape), overlay.name if overlay is not None else "")
    hit = _cache.get(key)
    if hit is not None and hit[0] is shape:
        return hit[1]
    node = _compile(shape, overlay, {})
    with _cache_lock:
        _cache[key] = (shape, node)
    return node


# --------------------------------------------------------------------------------------------
# scalars


def _float_text(value: Any) -> str:
    f = float(value)
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(f)


def scalar_text(node: XNode, value: Any) -> str:
    """The XML text of a scalar ``value`` of ``node``'s type (unescaped)."""
    t = node.type
    if t == "string":
        return value if isinstance(value, str) else str(value)
    if t == "boolean":
        if isinstance(value, str):
            return value.lower()
        return "true" if value else "false"
    if t in ("integer", "long"):
        return str(int(value))
    if t in ("float", "double"):
        return _float_text(value)
    if t == "timestamp":
        return str(format_timestamp(value, node.ts_format or "iso8601"))
    if t == "blob":
        raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    return str(value)


def scalar_from_text(node: XNode, text: str, member: str = "", *, default_ts: str = "iso8601") -> Any:
    """A client-side value from its wire text; :class:`XmlValueError` when unreadable."""
    t = node.type
    if t == "string":
        return text
    try:
        if t in ("integer", "long"):
            return int(text)
        if t in ("float", "double"):
            s = text.strip()
            if s in ("NaN", "Infinity", "-Infinity"):
                return float(s.replace("Infinity", "inf"))
            return float(s)
        if t == "boolean":
            low = text.strip().lower()
            if low == "true":
                return True
            if low == "false":
                return False
            raise ValueError(text)
        if t == "timestamp":
            return parse_timestamp(text, node.ts_format or default_ts)
        if t == "blob":
            return base64.b64decode(text.encode("ascii"), validate=False)
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeEncodeError) as exc:
        raise XmlValueError(member or (node.shape.name or ""), text, t) from exc
    return text


# --------------------------------------------------------------------------------------------
# writing


def write(out: list[str], node: XNode, value: Any, tag: str, extra_attrs: str = "") -> None:
    """Append ``<tag>…</tag>`` for ``value`` (of ``node``'s shape) to ``out``."""
    t = node.type
    if t == "structure":
        if not isinstance(value, dict):
            return
        head = "<" + tag + node.ns_attr + extra_attrs
        for m in node.attr_members:
            v = value.get(m.name)
            if v is not None:
                if ":" in m.wire and "xmlns:" + m.wire.split(":", 1)[0] not in head:
                    head += _default_prefix_decl(m.wire.split(":", 1)[0])
                head += f' {m.wire}="{escape_attr(scalar_text(m.node, v))}"'
        out.append(head + ">")
        write_members(out, node, value)
        out.append("</" + tag + ">")
    elif t == "list":
        out.append("<" + tag + node.ns_attr + extra_attrs + ">")
        item = node.member
        assert item is not None
        name = node.item_name
        for v in value:
            if v is not None:
                write(out, item, v, name)
        out.append("</" + tag + ">")
    elif t == "map":
        out.append("<" + tag + node.ns_attr + extra_attrs + ">")
        _write_entries(out, node, value, "entry")
        out.append("</" + tag + ">")
    else:
        text = escape_text(scalar_text(node, value))
        out.append(f"<{tag}{node.ns_attr}{extra_attrs}>{text}</{tag}>")


def _write_entries(out: list[str], node: XNode, value: dict[Any, Any], tag: str) -> None:
    knode, vnode = node.key, node.value
    assert knode is not None and vnode is not None
    kname, vname = node.key_name, node.value_name
    for k, v in value.items():
        out.append("<" + tag + ">")
        write(out, knode, k, kname)
        if v is not None:
            write(out, vnode, v, vname)
        out.append("</" + tag + ">")


def write_members(out: list[str], node: XNode, value: dict[str, Any], *, skip_bound: bool = True) -> None:
    """Append the response body members of structure ``value`` (flattened lists/maps unwrapped)."""
    members = node.out_members if skip_bound else tuple(node.members.values())
    for m in members:
        v = value.get(m.name)
        if v is None:
            continue
        mn = m.node
        if mn.flattened and mn.type == "list":
            assert mn.member is not None
            for item in v:
                if item is not None:
                    write(out, mn.member, item, m.out_key)
        elif mn.flattened and mn.type == "map":
            _write_entries(out, mn, v, m.out_key)
        else:
            write(out, mn, v, m.out_key)


def _default_prefix_decl(prefix: str) -> str:
    if prefix == "xsi":
        return ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    return f' xmlns:{prefix}="urn:awsmock:{prefix}"'


# --------------------------------------------------------------------------------------------
# reading (the document parsed by awsmock.engine.xmltext.parse_xml)


def _attr(el: Element, name: str) -> str | None:
    v = el.attrs.get(name)
    if v is not None:
        return v
    local = name.rpartition(":")[2]
    for k, val in el.attrs.items():
        if k.rpartition(":")[2] == local and not k.startswith("xmlns"):
            return val
    return None


def read(node: XNode, el: Element, member: str = "") -> Any:
    """The client-side value of element ``el`` read as ``node``'s shape."""
    t = node.type
    if t == "structure":
        return read_struct(node, el)
    if t == "list":
        item = node.member
        assert item is not None
        return [read(item, c, member) for c in el.children]
    if t == "map":
        out: dict[Any, Any] = {}
        for entry in el.children:
            _read_entry(node, entry, out, member)
        return out
    return scalar_from_text(node, el.text, member)


def _read_entry(node: XNode, entry: Element, out: dict[Any, Any], member: str) -> None:
    knode, vnode = node.key, node.value
    assert knode is not None and vnode is not None
    k: Any = None
    v: Any = None
    for c in entry.children:
        if c.tag == node.key_name:
            k = read(knode, c, member)
        elif c.tag == node.value_name:
            v = read(vnode, c, member)
    if k is not None:
        out[k] = v


def read_struct(node: XNode, el: Element, members: tuple[XMember, ...] | None = None) -> dict[str, Any]:
    """Read the body (and attribute) members of a structure element."""
    groups: dict[str, list[Element]] = {}
    for c in el.children:
        groups.setdefault(c.tag, []).append(c)
    out: dict[str, Any] = {}
    for m in node.attr_members:
        v = _attr(el, m.wire)
        if v is not None:
            out[m.name] = scalar_from_text(m.node, v, m.name)
    for m in node.body_members if members is None else members:
        mn = m.node
        found = groups.get(m.wire)
        if found is None and m.out_key != m.wire:
            found = groups.get(m.out_key)
        if found is None:
            continue
        if mn.flattened and mn.type == "list":
            assert mn.member is not None
            out[m.name] = [read(mn.member, c, m.name) for c in found]
        elif mn.flattened and mn.type == "map":
            d: dict[Any, Any] = {}
            for entry in found:
                _read_entry(mn, entry, d, m.name)
            out[m.name] = d
        else:
            out[m.name] = read(mn, found[0], m.name)
    return out
