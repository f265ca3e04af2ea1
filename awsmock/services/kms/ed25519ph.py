"""Ed25519ph (RFC 8032, section 5.1: Ed25519 over a SHA-512 prehash, empty context), which
KMS signs with as ``ED25519_PH_SHA_512``. ``cryptography`` signs pure Ed25519 only, so the
curve arithmetic is done here, with the key's seed from ``cryptography``; signatures verify with
any RFC 8032 implementation."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])  # phflag 1, empty context

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _add(a: Point, b: Point) -> Point:
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(scalar: int, point: Point) -> Point:
    out: Point = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            out = _add(out, point)
        point = _add(point, point)
        scalar >>= 1
    return out


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = _recover_x(_BY, 0)
assert _BX is not None
_B: Point = (_BX, _BY, 1, _BX * _BY % _P)


def _encode(point: Point) -> bytes:
    x, y, z, _t = point
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decode(raw: bytes) -> Point | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def sign(private: Any, prehash: bytes) -> bytes:
    """Ed25519ph signature of a SHA-512 digest with an ``Ed25519PrivateKey``."""
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    h = hashlib.sha512(seed).digest()
    s = int.from_bytes(h[:32], "little")
    s &= (1 << 254) - 8
    s |= 1 << 254
    public = _encode(_mul(s, _B))
    r = _h(_DOM2, h[32:], prehash) % _L
    big_r = _encode(_mul(r, _B))
    k = _h(_DOM2, big_r, public, prehash) % _L
    return big_r + int.to_bytes((r + k * s) % _L, 32, "little")


def verify(public: Any, prehash: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is an Ed25519ph signature of the digest by ``Ed25519PublicKey``."""
    if len(signature) != 64:
        return False
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    a, r = _decode(raw), _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = _h(_DOM2, signature[:32], raw, prehash) % _L
    return _equal(_mul(s, _B), _add(r, _mul(k, a)))
