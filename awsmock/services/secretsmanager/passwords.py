"""GetRandomPassword, with Secrets Manager's defaults: 32 characters from upper- and lower-case
letters, digits and the 32 punctuation characters ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~`` (a space
only with ``IncludeSpace``), and at least one character of each included type unless
``RequireEachIncludedType`` is false. ``ExcludeCharacters`` takes characters out of every type; a
type left empty is not required. Drawn from the operating system's CSPRNG (``secrets``).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import InvalidParameterException

DEFAULT_LENGTH = 32
PUNCTUATION = string.punctuation  # the 32 characters Secrets Manager lists

_random = secrets.SystemRandom()


def generate(params: dict[str, Any]) -> str:
    length = params.get("PasswordLength") or DEFAULT_LENGTH
    excluded = set(params.get("ExcludeCharacters") or "")
    types: list[str] = []
    for flag, chars in (
        ("ExcludeLowercase", string.ascii_lowercase),
        ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits),
        ("ExcludePunctuation", PUNCTUATION),
    ):
        if not params.get(flag):
            kept = "".join(c for c in chars if c not in excluded)
            if kept:
                types.append(kept)
    pool = "".join(types)
    if params.get("IncludeSpace") and " " not in excluded:
        pool += " "
    if not pool:
        raise InvalidParameterException(
            "The password can't be generated because every character type is excluded."
        )
    require = params.get("RequireEachIncludedType")
    required = types if require is None or require else []
    if length < len(required):
        raise InvalidParameterException("Password length is too short based on the required types.")
    drawn = [_random.choice(t) for t in required]
    drawn += [_random.choice(pool) for _ in range(length - len(drawn))]
    _random.shuffle(drawn)
    return "".join(drawn)


@handler("secretsmanager", "GetRandomPassword")
def get_random_password(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"RandomPassword": generate(params)}
