"""XML text from clients and to them, below every layer that reads or writes it: the guarded
reader (:func:`parse_xml`: expat, no DTDs, no entity declarations, no external entities, a
depth limit: XXE, entity bombs and deep nesting are refused with :class:`XmlError`) and the
escapers of text and attribute values (characters XML 1.0 cannot carry become U+FFFD).

Why not xmltodict here: the protocols read a document by its botocore shape, member by member,
in order, with repeated elements as lists whatever their count; xmltodict's dicts (a single
element a value, several a list; attributes and text under ``@``/``#text`` keys) would have to
be undone for every shape, and the reader below does the one job in a few dozen lines. Small
documents a service writes or reads outside its model (S3's POST upload answer) use
xmltodict.
"""

from __future__ import annotations

from typing import Any
from xml.parsers import expat

__all__ = ["MAX_DEPTH", "Element", "XmlError", "escape_attr", "escape_text", "parse_xml"]

#: how deep a document may nest
MAX_DEPTH = 200


class XmlError(ValueError):
    """The bytes are not acceptable XML (malformed, or a DTD / entity declaration)."""


# Reliability fix: control characters XML 1.0 cannot carry at all (not even as &#8;), e.g. an
# invalid parameter echoed in an error message, made the answer unparseable; they become U+FFFD.
_NOT_XML = {c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)}
_TEXT_ESC = str.maketrans({**_NOT_XML, "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESC = str.maketrans(
    {
        **_NOT_XML,
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


def escape_text(text: str) -> str:
    return text.translate(_TEXT_ESC)


def escape_attr(text: str) -> str:
    return text.translate(_ATTR_ESC)


class Element:
    """A parsed XML element: local ``tag``, raw ``attrs``, ``children`` and joined ``text``."""

    __slots__ = ("attrs", "children", "parts", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, tag: str) -> Element | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def __repr__(self) -> str:
        return f"Element({self.tag!r}, {len(self.children)} children)"


def _forbid(*_args: Any) -> None:
    raise XmlError("DTDs and entity declarations are not allowed")


def parse_xml(data: bytes | str) -> Element:
    """Parse ``data`` into an :class:`Element` tree; :class:`XmlError` when it is not
    well-formed, is empty, nests deeper than :data:`MAX_DEPTH`, or has a DTD / entity
    declaration / external entity reference."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid  # type: ignore[assignment]
    stack: list[Element] = []
    root: list[Element] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        el = Element(name.rpartition(":")[2], attrs)
        if stack:
            stack[-1].children.append(el)
        elif root:
            raise XmlError("more than one root element")
        else:
            root.append(el)
        stack.append(el)
        if len(stack) > MAX_DEPTH:
            raise XmlError("XML nested too deeply")

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError(f"malformed XML: {exc}") from exc
    except XmlError:
        raise
    except (LookupError, ValueError) as exc:  # Reliability fix: encoding="TTF-8" / "utf-32" was a 500
        raise XmlError(f"malformed XML: unsupported encoding ({exc})") from exc
    if not root:
        raise XmlError("no root element")
    return root[0]
