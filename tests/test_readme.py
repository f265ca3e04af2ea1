"""The README documents what exists: its service table is the measured coverage, its quick
start is two commands, and CI runs the README's test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from awsmock.devtools import readme_with_table
from awsmock.engine import catalog
from tests.helpers import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_service_table_is_the_measured_coverage() -> None:
    assert readme_with_table(README) == README, "run: python -m awsmock.devtools readme-table"


def test_every_catalog_service_has_its_row() -> None:
    for entry in catalog.SERVICES:
        assert f"`mock_{entry.name}`" in README


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line.strip() for b in blocks for line in b.strip().splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert commands[0].endswith("awsmock server")
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


# -- every Python and shell example runs as written ---------------------------------------------

#: ``<!-- not run: why -->`` on the line before a block keeps it out (installs, servers that run
#: until stopped); every other ```python and ```sh block runs
_BLOCK = re.compile(r"(<!-- not run:[^>]*-->\n)?```(python|sh)\n(.*?)```", re.S)
#: the address the examples show; each runs against a test server on a free port instead
README_ENDPOINT = "http://127.0.0.1:4566"


def readme_examples() -> list[tuple[str, str, str]]:
    """(id, language, code) of the README's blocks that run."""
    out = []
    for m in _BLOCK.finditer(README):
        if m.group(1):
            continue
        line = README.count("\n", 0, m.start()) + 1
        out.append((f"{m.group(2)}-line-{line}", m.group(2), m.group(3)))
    return out


def test_few_blocks_are_kept_out() -> None:
    kept_out = [m for m in _BLOCK.finditer(README) if m.group(1)]
    assert len(kept_out) <= 2, "mark a README block 'not run' only when it cannot run (installs, servers)"
    assert len(readme_examples()) >= 4


#: a newcomer's environment: no AWS configuration at all (the examples must say what they need)
def _newcomer_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AWSMOCK_", "BOTO", "PYTEST_"))}
    env["HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    return env


@pytest.fixture(scope="module")
def readme_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path_factory.mktemp("readme-server")).start()
    yield srv
    srv.stop()




@pytest.mark.server
@pytest.mark.parametrize(("lang", "code"), [pytest.param(lang, code, id=i) for i, lang, code in readme_examples()])
def test_readme_example_runs_as_written(readme_server: ServerProcess, tmp_path: Path, lang: str, code: str) -> None:
    status, _ = readme_server.admin("POST", "/_awsmock/reset")
    assert status == 200
    code = code.replace(README_ENDPOINT, readme_server.url)
    env = _newcomer_env(tmp_path)
    tests = re.findall(r"^def (test_\w+)", code, re.M)
    if lang == "sh":
        cmd = ["bash", "-euo", "pipefail", "-c", code]
    elif tests:  # a test module as a user would have it, run by pytest (awsmock's plugin loaded)
        (tmp_path / "test_example.py").write_text(code)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"]
    else:
        cmd = [sys.executable, "-c", code]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    if tests:
        assert f"{len(tests)} passed" in done.stdout, done.stdout
