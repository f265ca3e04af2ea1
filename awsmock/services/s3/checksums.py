"""S3's additional checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 (and MD5 for ETags).

Values travel base64-encoded, as the big-endian bytes of the CRC or the hash digest. CRC32 uses
zlib; CRC32C and CRC64NVME are table-driven (reflected) implementations, used only when a
client asks for them. Multipart objects carry either a COMPOSITE checksum (the hash of the
parts' checksums, suffixed ``-N``) or a FULL_OBJECT one (CRC types only: the CRC of all bytes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Any, Protocol

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
CRC_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME")


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


def _table(poly: int, width: int) -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C_TABLE = _table(0x82F63B78, 32)
_CRC64NVME_TABLE = _table(0x9A6C9329AC4BC9B5, 64)


class _ReflectedCrc:
    def __init__(self, table: list[int], width: int) -> None:
        self._table = table
        self._mask = (1 << width) - 1
        self._width = width
        self._crc = self._mask

    def update(self, data: bytes) -> None:
        crc = self._crc
        table = self._table
        for b in data:
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
        self._crc = crc

    def value(self) -> int:
        return self._crc ^ self._mask

    def digest(self) -> bytes:
        return self.value().to_bytes(self._width // 8, "big")


class _Crc32:
    def __init__(self) -> None:
        self._crc = 0

    def update(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)

    def digest(self) -> bytes:
        return (self._crc & 0xFFFFFFFF).to_bytes(4, "big")


def new_hasher(algorithm: str) -> Hasher:
    alg = algorithm.upper()
    if alg == "CRC32":
        return _Crc32()
    if alg == "CRC32C":
        return _ReflectedCrc(_CRC32C_TABLE, 32)
    if alg == "CRC64NVME":
        return _ReflectedCrc(_CRC64NVME_TABLE, 64)
    if alg == "SHA1":
        return hashlib.sha1()
    if alg == "SHA256":
        return hashlib.sha256()
    if alg == "MD5":
        return hashlib.md5()
    raise ValueError(algorithm)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def compute(algorithm: str, data: bytes) -> str:
    h = new_hasher(algorithm)
    h.update(data)
    return b64(h.digest())


def param_name(algorithm: str) -> str:
    """The member carrying a checksum value: ``ChecksumCRC32``, ``ChecksumSHA256``..."""
    return "Checksum" + algorithm.upper()


def decode(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


#: (algorithm, its checksum member, its header)
_NAMES = tuple((name, param_name(name), "x-amz-checksum-" + name.lower()) for name in ALGORITHMS)
_MEMBERS = frozenset(member for _, member, _ in _NAMES)
_HEADERS = frozenset(header for _, _, header in _NAMES)


def requested(params: dict[str, Any], headers: dict[str, str]) -> tuple[str | None, str | None]:
    """(algorithm, expected value) a request asks to verify: an explicit ``Checksum<ALG>``
    member (header or aws-chunked trailer), else ``ChecksumAlgorithm`` / ``x-amz-sdk-checksum-algorithm``
    without a value."""
    if not _MEMBERS.isdisjoint(params):
        for name, member, _header in _NAMES:
            value = params.get(member)
            if value:
                return name, value
    if not _HEADERS.isdisjoint(headers):
        for name, _member, header in _NAMES:  # a trailer the protocol left in the headers
            value = headers.get(header)
            if value:
                return name, value
    alg: str | None = params.get("ChecksumAlgorithm") or headers.get("x-amz-sdk-checksum-algorithm")
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    if not alg and trailer.startswith("x-amz-checksum-"):
        alg = trailer.removeprefix("x-amz-checksum-")
    return (alg.upper() if alg else None), None


def composite(algorithm: str, part_values: list[str]) -> str:
    """The COMPOSITE checksum of a multipart object: hash of the parts' raw checksums, ``-N``."""
    h = new_hasher(algorithm)
    for v in part_values:
        h.update(base64.b64decode(v))
    return f"{b64(h.digest())}-{len(part_values)}"
