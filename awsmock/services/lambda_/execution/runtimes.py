"""Which local program runs a runtime, and how: ``python3.x`` with a local interpreter and
awsmock's Python runtime; ``nodejs*`` with a local ``node`` and awsmock's Node.js runtime;
``provided*`` with the function's own ``bootstrap`` (in the code, else in a layer's ``/opt``).
Anything else (Java, .NET, Ruby, container images) cannot run here: :class:`Unsupported` says
what is missing, in words a user can act on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from awsmock.services.lambda_.execution import node_runtime
from awsmock.services.lambda_.execution.archives import cache_root

_lock = threading.Lock()
_pythons: dict[str, str] = {}
_runtime_dirs: dict[str, Path] = {}
_sdk_dir: list[Path | None] = []

#: what AWS's managed runtimes ship beside the interpreter (boto3 and what it needs), found in
#: this process and offered at the end of a function's ``sys.path`` when its interpreter has none
_SDK_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


class Unsupported(Exception):
    """Nothing here can run this runtime: ``code``/``message`` answer the invoke."""

    def __init__(self, message: str, code: str = "InvalidRuntimeException") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class BadEntrypoint(Exception):
    """The runtime's entry point is missing or cannot be executed (``Runtime.InvalidEntrypoint``,
    a function error as AWS reports it)."""


@dataclass
class Launch:
    argv: list[str]
    #: runtime-specific variables (``NODE_PATH``), before the function's own
    env: dict[str, str] = field(default_factory=dict)
    #: AWS_EXECUTION_ENV, which AWS leaves unset for OS-only runtimes
    execution_env: str | None = None


def _write_runtime(name: str, text: str) -> Path:
    """A directory holding ``name`` with ``text``; one per distinct content."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    with _lock:
        cached = _runtime_dirs.get(digest)
        if cached is not None and (cached / name).is_file():
            return cached
        target = cache_root() / "runtime" / digest
        target.mkdir(parents=True, exist_ok=True)
        path = target / name
        if not path.is_file() or path.read_text() != text:
            tmp = target / f".{name}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_text(text)
            os.replace(tmp, path)
        _runtime_dirs[digest] = target
        return target


def _python_for(version: str) -> str:
    """The interpreter for ``python3.X``: ``python3.X`` on PATH if it really is one (shims of
    version managers that cannot run it are skipped), else this process's interpreter."""
    with _lock:
        if version in _pythons:
            return _pythons[version]
    chosen = sys.executable
    if version != f"{sys.version_info[0]}.{sys.version_info[1]}":
        found = shutil.which(f"python{version}")
        if found:
            try:
                probe = subprocess.run(
                    [found, "-c", "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])"],
                    capture_output=True,
                    text=True,
                    timeout=10,
                    env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")},
                )
                lines = probe.stdout.split()
                if probe.returncode == 0 and len(lines) == 2 and lines[1] == version:
                    chosen = lines[0]
            except (OSError, subprocess.SubprocessError):
                pass
    with _lock:
        _pythons[version] = chosen
    return chosen


def _sdk() -> Path | None:
    """A directory of links to this process's boto3 and its dependencies (pure Python)."""
    with _lock:
        if _sdk_dir:
            return _sdk_dir[0]
    target = cache_root() / "sdk" / hashlib.sha256(sys.prefix.encode()).hexdigest()[:16]
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in _SDK_MODULES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                continue
            origin = Path(spec.origin)
            src = origin.parent if origin.name == "__init__.py" else origin
            link = target / src.name
            if not os.path.lexists(link):
                try:
                    os.symlink(src, link)
                except FileExistsError:
                    pass
        result: Path | None = target
    except (OSError, ImportError, ValueError):
        result = None
    with _lock:
        _sdk_dir[:] = [result]
    return result


def python_launch(runtime: str, opt_dir: Path | None) -> Launch:
    version = runtime[len("python") :]
    interpreter = _python_for(version)
    source = Path(__file__).with_name("python_runtime.py").read_text()
    runtime_dir = _write_runtime("bootstrap.py", source)
    sdk = _sdk()
    return Launch(
        argv=[interpreter, "-u", str(runtime_dir / "bootstrap.py"), str(opt_dir or ""), str(sdk or "")],
        execution_env=f"AWS_Lambda_{runtime}",
    )


def node_launch(runtime: str, opt_dir: Path | None, task_root: Path) -> Launch:
    node = shutil.which("node") or (("/usr/bin/node") if os.access("/usr/bin/node", os.X_OK) else None)
    if node is None:
        raise Unsupported(
            f"awsmock cannot run runtime {runtime}: it runs Node.js functions with a local node, "
            "and no node executable was found on PATH. Install Node.js, or invoke the function "
            "against real AWS."
        )
    runtime_dir = _write_runtime("index.mjs", node_runtime.SOURCE)
    paths = []
    if opt_dir is not None:
        major = runtime[len("nodejs") :].split(".")[0]
        paths += [
            str(opt_dir / "nodejs" / f"node{major}" / "node_modules"),
            str(opt_dir / "nodejs" / "node_modules"),
        ]
    paths += [str(task_root)]
    return Launch(
        argv=[node, str(runtime_dir / "index.mjs")],
        env={"NODE_PATH": ":".join(paths)},
        execution_env=f"AWS_Lambda_{runtime}",
    )


def provided_launch(task_root: Path, opt_dir: Path | None) -> Launch:
    candidates = [task_root / "bootstrap"] + ([opt_dir / "bootstrap"] if opt_dir is not None else [])
    for path in candidates:
        if path.is_file():
            if not os.access(path, os.X_OK):
                where = "/var/task/bootstrap" if path.parent == task_root else "/opt/bootstrap"
                raise BadEntrypoint(f"fork/exec {where}: permission denied")
            return Launch(argv=[str(path)])
    raise BadEntrypoint("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]")


def docker_reachable() -> bool:
    sock = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not sock.startswith("unix://"):
        return False
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(sock[len("unix://") :])
        return True
    except OSError:
        return False


def plan(package_type: str, runtime: str | None, task_root: Path | None, opt_dir: Path | None) -> Launch:
    """How to start an execution environment, or :class:`Unsupported` / :class:`BadEntrypoint`."""
    if package_type == "Image":
        if docker_reachable():
            raise Unsupported(
                "awsmock does not run container-image functions yet (a Docker daemon is reachable, "
                "but awsmock runs functions as local processes): deploy the function as a .zip "
                "package to run it here.",
            )
        raise Unsupported(
            "awsmock cannot run this container-image function: container images need a Docker "
            "daemon, and none is reachable (DOCKER_HOST or /var/run/docker.sock). Deploy the "
            "function as a .zip package to run it without Docker.",
        )
    if task_root is None or not runtime:
        raise Unsupported("awsmock cannot run this function: it has no code to run.")
    if runtime.startswith("python3."):
        return python_launch(runtime, opt_dir)
    if runtime.startswith("nodejs"):
        return node_launch(runtime, opt_dir, task_root)
    if runtime == "provided" or runtime.startswith("provided."):
        return provided_launch(task_root, opt_dir)
    family = runtime.rstrip("0123456789.x") or runtime
    needs = {
        "java": "AWS's Java runtime interface client and a JVM",
        "dotnet": "AWS's .NET runtime and a .NET host",
        "ruby": "a Ruby runtime for Lambda",
        "go": "a Go toolchain (go1.x is deprecated: use provided.al2023 with a bootstrap)",
    }.get(family, "a runtime awsmock does not know")
    raise Unsupported(
        f"awsmock cannot run runtime {runtime} without Docker: it runs python3.x functions with a "
        f"local Python, nodejs functions with a local node and provided.* functions with their own "
        f"bootstrap, and {runtime} needs {needs}. Package the function for provided.al2023 (a "
        f"bootstrap of your own), or invoke it against real AWS."
    )
