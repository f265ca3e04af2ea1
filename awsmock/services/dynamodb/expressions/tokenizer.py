"""The expression tokenizer: names, ``#name`` and ``:value`` placeholders, numbers, symbols."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DynamoValidation

NAME = "NAME"  # identifier (keyword, function or attribute name)
NAMEREF = "NAMEREF"  # #placeholder
VALREF = "VALREF"  # :placeholder
NUMBER = "NUMBER"  # list index
SYMBOL = "SYMBOL"
EOF = "EOF"

_SYMBOLS2 = ("<>", "<=", ">=")
_SYMBOLS1 = "=<>()[],.+-"
_WORD = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def syntax_error(kind: str, source: str, tokens: list[Token], index: int) -> DynamoValidation:
    """AWS's ``Syntax error; token: "X", near: "..."`` for the token at ``index``."""
    tok = tokens[index] if index < len(tokens) else Token(EOF, "", len(source), len(source))
    if tok.kind == EOF:
        lo = tokens[max(0, index - 2)].start if index > 0 else len(source)
        near = source[lo:].strip()
        shown = "<EOF>"
    else:
        lo = tokens[index - 1].start if index > 0 else tok.start
        hi = tokens[index + 1].end if index + 1 < len(tokens) and tokens[index + 1].kind != EOF else tok.end
        near = source[lo:hi]
        shown = tok.text
    return DynamoValidation(f'Invalid {kind}: Syntax error; token: "{shown}", near: "{near}"')


def tokenize(source: str, kind: str) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
            continue
        if c in "#:":
            j = i + 1
            while j < n and source[j] in _WORD:
                j += 1
            if j == i + 1:
                raise DynamoValidation(
                    f'Invalid {kind}: Syntax error; token: "{c}", near: "{source[max(0, i - 1) : i + 2].strip()}"'
                )
            out.append(Token(NAMEREF if c == "#" else VALREF, source[i:j], i, j))
            i = j
            continue
        if c.isdigit():
            j = i
            while j < n and source[j].isdigit():
                j += 1
            out.append(Token(NUMBER, source[i:j], i, j))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and source[j] in _WORD:
                j += 1
            out.append(Token(NAME, source[i:j], i, j))
            i = j
            continue
        two = source[i : i + 2]
        if two in _SYMBOLS2:
            out.append(Token(SYMBOL, two, i, i + 2))
            i += 2
            continue
        if c in _SYMBOLS1:
            out.append(Token(SYMBOL, c, i, i + 1))
            i += 1
            continue
        lo = out[-1].start if out else i
        raise DynamoValidation(f'Invalid {kind}: Syntax error; token: "{c}", near: "{source[lo : i + 1]}"')
    out.append(Token(EOF, "", n, n))
    return out
