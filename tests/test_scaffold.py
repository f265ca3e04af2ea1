"""Growth without collisions: ``python -m awsmock.devtools new-service NAME`` makes a working
room, and adding it touches only its own folders and the README's table. Proved on a throwaway
copy of the repository, with a service of the README's table that has no room yet."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from awsmock.engine import catalog, registry

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build"}

pytestmark = pytest.mark.slow


def _files(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP and not d.endswith(".egg-info")]
        for name in filenames:
            path = Path(dirpath) / name
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _copy(dest: Path) -> Path:
    shutil.copytree(
        ROOT, dest, ignore=lambda _d, names: [n for n in names if n in SKIP or n.endswith(".egg-info")]
    )
    return dest


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _unbuilt() -> str:
    built = set(registry.implemented_services())
    for entry in catalog.SERVICES:
        if not set(entry.botocore) & built:
            return entry.botocore[0]
    pytest.skip("every service of the README's table has a room")


def test_a_new_service_is_one_room_that_works(tmp_path: Path) -> None:
    service = _unbuilt()
    repo = _copy(tmp_path / "repo")
    before = _files(repo)
    made = _run(repo, sys.executable, "-m", "awsmock.devtools", "new-service", service)
    assert made.returncode == 0, made.stdout + made.stderr
    after = _files(repo)
    changed = {p for p in after if before.get(p) != after[p]} | (before.keys() - after.keys())
    room = service.replace("-", "_")
    assert changed, "nothing was written"
    outside = {p for p in changed if not p.startswith((f"awsmock/services/{room}/", f"tests/{room}/"))}
    assert outside == {"README.md"}, f"the new service touched {sorted(outside)}"
    readme = (repo / "README.md").read_text()
    title = next(e.title for e in catalog.SERVICES if service in e.botocore)
    assert any(line.startswith(f"| {title} |") and "| 1 / " in line for line in readme.splitlines())
    # its own test passes, and the room keeps the house's rules, lint and types
    checked = _run(
        repo,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"tests/{room}",
        "tests/test_architecture.py",
        "tests/test_readme.py",
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    if shutil.which("ruff"):
        lint = _run(repo, "ruff", "check", f"awsmock/services/{room}", f"tests/{room}")
        assert lint.returncode == 0, lint.stdout
    types = _run(repo, sys.executable, "-m", "mypy", f"awsmock/services/{room}")
    assert types.returncode == 0 or "No module named mypy" in types.stderr, types.stdout
    again = _run(repo, sys.executable, "-m", "awsmock.devtools", "new-service", service)
    assert again.returncode == 2 and "exists already" in again.stderr
