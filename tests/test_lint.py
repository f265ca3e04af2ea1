"""Lint and types are part of the suite: `ruff check` and `mypy` (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    out = _run("ruff", "check", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_is_clean() -> None:
    out = _run(sys.executable, "-m", "mypy")
    if "No module named mypy" in out.stderr:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    assert out.returncode == 0, out.stdout + out.stderr


def test_isinstance_checks_take_tuples_not_unions() -> None:
    """``isinstance(x, A | B)`` builds a ``types.UnionType`` each time it runs (and checks it
    more slowly than a tuple): product code, much of it on every request, uses tuples."""
    import re

    union = re.compile(r"isinstance\([^,()]+, [A-Za-z_.]+ \| ")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for top in ("api", "awsmock", "models")
        for path in sorted((ROOT / top).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if union.search(line)
    ]
    assert found == []
