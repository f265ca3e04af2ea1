"""Function code and layers on disk: each zip unpacked once per SHA-256 into a cache directory,
and each image's layers merged, in order, into one directory that plays the part of ``/opt``.

The cache lives under ``tempfile.gettempdir()/awsmock-lambda-<uid>/`` (private to the user):
``code/<sha256>/`` per archive, ``opt/<digest of the layer digests>/`` per layer list. Unpacking
goes to a temporary directory renamed into place, so processes sharing the cache never see a
half-written one. Extraction is zip-slip safe (no absolute names, no ``..``, no symlink leading
out of the tree) and bounded: code and layers together may not unzip to more than AWS's 250 MB.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

from awsmock.services.lambda_.execution.contract import Archive

#: AWS's quota on a function's deployment package and layers, unzipped (262,144,000 bytes)
MAX_UNZIPPED_BYTES = 262_144_000
UNZIPPED_TOO_LARGE = f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"
BAD_ZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."

_lock = threading.Lock()
_sizes: dict[str, int] = {}


class ArchiveError(Exception):
    """The code or a layer cannot be laid out: ``code`` and ``message`` are AWS's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def cache_root() -> Path:
    root = Path(tempfile.gettempdir()) / f"awsmock-lambda-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _extract(data: bytes, target: Path) -> int:
    """Unpack ``data`` (a zip) into the empty directory ``target``; returns the unzipped size."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError("InvalidZipFileException", BAD_ZIP) from exc
    root = os.path.realpath(target)
    with zf:
        infos = zf.infolist()
        total = sum(max(info.file_size, 0) for info in infos)
        if total > MAX_UNZIPPED_BYTES:
            raise ArchiveError("InvalidParameterValueException", UNZIPPED_TOO_LARGE)
        written = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise ArchiveError("InvalidZipFileException", BAD_ZIP)
            if not parts:
                continue
            dest = os.path.join(root, *parts)
            parent = os.path.dirname(dest)
            os.makedirs(parent, exist_ok=True)
            if not _inside(root, os.path.realpath(parent)):
                raise ArchiveError("InvalidZipFileException", BAD_ZIP)
            mode = (info.external_attr >> 16) & 0xFFFF
            if info.is_dir():
                os.makedirs(dest, exist_ok=True)
                continue
            if stat.S_ISLNK(mode):
                link = zf.read(info).decode("utf-8", "replace")
                resolved = os.path.realpath(os.path.join(parent, link))
                if os.path.isabs(link) or not _inside(root, resolved):
                    raise ArchiveError("InvalidZipFileException", BAD_ZIP)
                if os.path.lexists(dest):
                    os.remove(dest)
                os.symlink(link, dest)
                continue
            if os.path.islink(dest):
                os.remove(dest)
            try:
                with zf.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_UNZIPPED_BYTES:
                            raise ArchiveError("InvalidParameterValueException", UNZIPPED_TOO_LARGE)
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
                raise ArchiveError("InvalidZipFileException", BAD_ZIP) from exc
            perms = mode & 0o777 if info.create_system == 3 and mode & 0o777 else 0o644
            os.chmod(dest, perms | 0o600)
    return written


def unpack(archive: Archive) -> tuple[Path, int]:
    """The directory holding ``archive`` unpacked (made on first use), and its unzipped size."""
    digest = archive.sha256.lower()
    if not digest or any(c not in "0123456789abcdef" for c in digest):
        digest = hashlib.sha256(archive.load()).hexdigest()
    base = cache_root() / "code"
    base.mkdir(exist_ok=True)
    target = base / digest
    size_file = base / f"{digest}.size"
    with _lock:
        if digest in _sizes and target.is_dir():
            return target, _sizes[digest]
    if target.is_dir() and size_file.is_file():
        try:
            size = int(size_file.read_text())
        except ValueError:
            size = 0
    else:
        tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=base))
        try:
            size = _extract(archive.load(), tmp)
            size_file.write_text(str(size))
            try:
                os.rename(tmp, target)
            except OSError:  # another process or thread got there first: theirs is the same
                if not target.is_dir():
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    with _lock:
        _sizes[digest] = size
    return target, size


def merged_layers(layers: Sequence[Archive]) -> tuple[Path | None, int]:
    """The ``/opt`` directory of an image whose layers are ``layers`` (later layers overwrite
    earlier ones' files, as AWS merges them), and the layers' total unzipped size."""
    if not layers:
        return None, 0
    parts = [unpack(layer) for layer in layers]
    total = sum(size for _, size in parts)
    key = hashlib.sha256("|".join(p.name for p, _ in parts).encode()).hexdigest()
    base = cache_root() / "opt"
    base.mkdir(exist_ok=True)
    target = base / key
    if target.is_dir():
        return target, total
    tmp = Path(tempfile.mkdtemp(prefix=".merge-", dir=base))
    try:
        for src, _ in parts:
            shutil.copytree(src, tmp, symlinks=True, dirs_exist_ok=True)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target, total


def empty_dir(name: str) -> Path:
    """A directory of the cache that stays empty (an ``/opt`` with no layers, a ``HOME``)."""
    path = cache_root() / name
    path.mkdir(exist_ok=True)
    return path
