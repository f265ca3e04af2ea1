"""JSON text in and out with the C scanner and encoder built once, and the one guarded reader
of JSON a client sent.

``json.dumps``/``JSONEncoder.encode`` build a new C encoder on every call (nine arguments, a
markers dict) and ``json.loads`` goes through two Python layers before the C scanner; on the
hot paths (a stored object's info, a stored item, every JSON protocol answer) that setup costs
more than encoding a small document. These give the same text and values.

:func:`loads` is for text awsmock wrote itself. Text from a client (a request body, a policy
document, a page token, an admin body) goes through :func:`guarded_loads`: the C scanner
recurses once per level of nesting, and so does the Python code that walks a parsed document,
so a document nested a few thousand levels deep reaches the interpreter's recursion limit
(a 500, or a server thread lost before it answers). The guarded reader refuses a document
nested deeper than ``max_depth`` or longer than ``max_size`` with :class:`JsonLimitExceeded`,
which each caller answers with its service's own error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any


def encoder(
    *,
    separators: tuple[str, str] = (", ", ": "),
    ensure_ascii: bool = True,
    default: Callable[[Any], Any] | None = None,
) -> Callable[[Any], str]:
    """What ``json.JSONEncoder(separators=…, ensure_ascii=…, default=…).encode`` gives, with
    its C encoder built once. No circular-reference check: a cyclic value (never one of ours)
    raises RecursionError rather than ValueError."""
    reference = json.JSONEncoder(separators=separators, ensure_ascii=ensure_ascii, default=default)
    make = getattr(_encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return reference.encode
    strings = _encoder.encode_basestring_ascii if ensure_ascii else _encoder.encode_basestring
    item_separator, key_separator = separators
    encode = make(None, reference.default, strings, None, key_separator, item_separator, False, False, True)

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


_DECODER = json.JSONDecoder()
_scan = _DECODER.scan_once  # type: ignore[attr-defined]


def loads(text: str) -> Any:
    """``json.loads(text)`` for a str; a document with nothing around it (as an encoder wrote
    it) goes straight to the C scanner."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else _DECODER.decode(text)  # the rest: as loads does it


class ParsedByText:
    """Documents awsmock stored, parsed once per stored text and shared by every reader of the
    same text: read-only for them, and never stale (a change is another text). Up to ``limit``
    texts; beyond, it starts again."""

    def __init__(self, limit: int = 1024) -> None:
        self._limit = limit
        self._parsed: dict[str, Any] = {}

    def __call__(self, text: str) -> Any:
        found = self._parsed.get(text)
        if found is None:
            if len(self._parsed) >= self._limit:
                self._parsed.clear()
            found = self._parsed[text] = loads(text)
        return found


#: the deepest nesting of arrays and objects :func:`guarded_loads` reads by default: far more than
#: any AWS document needs (32 levels of nested typed attributes take two JSON levels each,
#: inside a request's own few), and far from the interpreter's recursion limit for the code that
#: walks a document once parsed
MAX_DEPTH = 128

#: the longest JSON text :func:`guarded_loads` reads by default, in characters (bytes for a bytes
#: text): the largest request body awsmock reads into memory (``engine.wire.MAX_BUFFERED_BODY``)
MAX_SIZE = 64 * 1024 * 1024


class JsonLimitExceeded(ValueError):
    """A JSON text over :func:`guarded_loads`' limits. A ValueError, as malformed JSON is, so a
    caller that answers malformed JSON with its service's error answers this one too; ``limit``
    says which one it broke (``"depth"`` or ``"size"``) for a caller that words them apart."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


def guarded_loads(
    text: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, max_size: int = MAX_SIZE
) -> Any:
    """``json.loads(text)`` for JSON a client sent: :class:`JsonLimitExceeded` when ``text`` is
    longer than ``max_size`` or nests arrays and objects deeper than ``max_depth``; ValueError
    (``json.JSONDecodeError``, ``UnicodeDecodeError``) when it is not JSON, as ``json.loads``."""
    size = len(text)
    if size > max_size:
        raise JsonLimitExceeded("size", f"the JSON text is longer than {max_size} characters")
    if not isinstance(text, str):
        text = bytes(text).decode(json.detect_encoding(text), "surrogatepass")  # as json.loads does
    try:
        value = loads(text)
    except RecursionError:
        raise JsonLimitExceeded("depth", f"the JSON text is nested deeper than {max_depth} levels") from None
    # no text nests deeper than its number of arrays and objects: most are measured by a count
    if size > 2 * max_depth + 1 and _more_openers_than(text, max_depth) and _deeper_than(text, max_depth):
        raise JsonLimitExceeded("depth", f"the JSON text is nested deeper than {max_depth} levels")
    return value


def _more_openers_than(text: str, n: int) -> bool:
    """Whether ``text`` holds more than ``n`` of ``[`` and ``{`` (in strings too). A long text
    (a message body, an object's metadata) is searched for at most n + 2 of them, a memchr
    each, where counting would visit every character."""
    if len(text) <= 16384:
        return text.count("{") + text.count("[") > n
    seen = 0
    for opener in ("{", "["):
        at = text.find(opener)
        while at >= 0:
            seen += 1
            if seen > n:
                return True
            at = text.find(opener, at + 1)
    return False


#: translate() arguments: ``{``/``}`` folded into ``[``/``]``; every byte but brackets and quotes dropped
_FOLD = bytes.maketrans(b"{}", b"[]")
_DROP = bytes(c for c in range(256) if c not in b'[]{}"')


def _deeper_than(text: str, limit: int) -> bool:
    """Whether valid JSON ``text`` nests arrays and objects deeper than ``limit``, without
    recursion and with the work done by bytes methods: drop every escape pair (``\\\\`` first, so
    that every backslash left escapes the character after it; UTF-8 puts no quote or backslash
    byte inside a multi-byte character), so that every quote left opens or closes a string;
    keep the quotes and brackets; drop the strings (``""`` once the brackets are alone: a pair
    of quotes with none between them; what lies outside quotes when a string holds a bracket);
    then strip innermost ``[]`` pairs, one level of nesting a pass."""
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(_FOLD, _DROP).replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    for _ in range(limit):
        if not marks:
            return False
        marks = marks.replace(b"[]", b"")
    return bool(marks)
