"""GetRandomPassword with every option and Secrets Manager's defaults."""

from __future__ import annotations

import string
from typing import Any

from tests.secretsmanager.helpers import error_of

TYPES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)


def _password(sm: Any, **kw: Any) -> str:
    value: str = sm.get_random_password(**kw)["RandomPassword"]
    return value


def test_the_default_is_32_characters_with_every_type(sm: Any) -> None:
    for _ in range(20):
        password = _password(sm)
        assert len(password) == 32
        assert set(password) <= set("".join(TYPES))
        assert all(set(password) & set(t) for t in TYPES)  # each type at least once


def test_each_option_narrows_the_characters(sm: Any) -> None:
    only_digits = _password(
        sm, PasswordLength=64, ExcludeLowercase=True, ExcludeUppercase=True, ExcludePunctuation=True
    )
    assert len(only_digits) == 64 and only_digits.isdigit()
    letters = _password(
        sm, PasswordLength=200, ExcludeNumbers=True, ExcludePunctuation=True, ExcludeCharacters="aeiouAEIOU"
    )
    assert letters.isalpha() and not set(letters) & set("aeiouAEIOU")
    assert set(
        _password(
            sm,
            PasswordLength=50,
            ExcludeLowercase=True,
            ExcludeUppercase=True,
            ExcludeNumbers=True,
            ExcludePunctuation=True,
            IncludeSpace=True,
        )
    ) == {" "}
    assert " " not in _password(sm, PasswordLength=300)
    excluded = "xyzDje@?!."
    assert not set(_password(sm, PasswordLength=120, ExcludeCharacters=excluded)) & set(excluded)
    assert len(_password(sm, PasswordLength=1, RequireEachIncludedType=False)) == 1
    assert len(_password(sm, PasswordLength=4096)) == 4096


def test_impossible_requests_are_refused(sm: Any) -> None:
    assert error_of(lambda: sm.get_random_password(PasswordLength=3)) == (
        "InvalidParameterException",
        "Password length is too short based on the required types.",
    )
    code, _ = error_of(
        lambda: sm.get_random_password(
            ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True, ExcludePunctuation=True
        )
    )
    assert code == "InvalidParameterException"
    code, message = error_of(lambda: sm.get_random_password(PasswordLength=4097))
    assert code == "ValidationException" and "Member must have value less than or equal to 4096" in message
