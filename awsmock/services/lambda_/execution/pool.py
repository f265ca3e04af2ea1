"""The execution environments of this process: warm ones reused per image, a bounded number
alive, idle ones reaped, all killed at exit; and :func:`invoke`, which runs one invocation in
one of them and answers an :class:`Outcome` as AWS would describe it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import math
import os
import threading
import time
from pathlib import Path

from awsmock.engine.context import utcnow
from awsmock.services.lambda_.execution import archives, environment, runtimes
from awsmock.services.lambda_.execution.contract import (
    RESERVED_ENVIRONMENT,
    FunctionImage,
    Invocation,
    LogLine,
    Outcome,
)
from awsmock.services.lambda_.execution.environment import Call, Environment, exit_reason, monotonic

#: live environments per process at most (the least recently used idle one makes room)
MAX_ENVIRONMENTS = int(os.environ.get("AWSMOCK_LAMBDA_MAX_ENVIRONMENTS", "32") or 32)
#: an idle environment lives this long (AWS keeps them some minutes too)
IDLE_TTL_S = 300.0

#: what a runtime needs from this process's environment (nothing else leaks into a function)
_PASSED = (
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"


def _invalid_entrypoint(image: FunctionImage, call: Call, message: str) -> Outcome:
    """AWS's Runtime.InvalidEntrypoint: the runtime has nothing it can start."""
    return _outcome(
        image,
        call,
        0,
        payload=_error_doc("Runtime.InvalidEntrypoint", message),
        error_type="Runtime.InvalidEntrypoint",
        lines=[(utcnow(), message), (utcnow(), "Runtime.InvalidEntrypoint")],
        duration_ms=0.0,
        init_ms=0.0,
        status="Status: error\tError Type: Runtime.InvalidEntrypoint",
    )


def _error_doc(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}, separators=(",", ":")).encode()


class _Layout:
    """An image on disk: its task root, its ``/opt``, and how to start it."""

    def __init__(
        self,
        task_root: Path | None,
        opt_dir: Path | None,
        launch: runtimes.Launch | None,
        entry_error: str | None,
    ) -> None:
        self.task_root = task_root
        self.opt_dir = opt_dir
        self.launch = launch
        self.entry_error = entry_error


def _layout(image: FunctionImage) -> _Layout:
    task_root: Path | None = None
    opt_dir: Path | None = None
    if image.package_type != "Image" and image.code is not None:
        task_root, code_size = archives.unpack(image.code)
        opt_dir, layers_size = archives.merged_layers(image.layers)
        if code_size + layers_size > archives.MAX_UNZIPPED_BYTES:
            raise archives.ArchiveError("InvalidParameterValueException", archives.UNZIPPED_TOO_LARGE)
    try:
        launch = runtimes.plan(image.package_type, image.runtime, task_root, opt_dir)
    except runtimes.BadEntrypoint as bad:
        return _Layout(task_root, opt_dir, None, str(bad))
    return _Layout(task_root, opt_dir, launch, None)


def _environment_variables(
    image: FunctionImage, invocation: Invocation, env: Environment, layout: _Layout
) -> dict[str, str]:
    assert layout.launch is not None and layout.task_root is not None
    opt = layout.opt_dir or archives.empty_dir("opt-empty")
    runtime_dir = (
        Path(layout.launch.argv[-1]).parent
        if image.runtime and not image.runtime.startswith("provided")
        else layout.task_root
    )
    if image.runtime and image.runtime.startswith("python"):
        runtime_dir = Path(layout.launch.argv[2]).parent
    ld = [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(":") if p]
    variables: dict[str, str] = {
        "PATH": f"{os.environ.get('PATH') or _DEFAULT_PATH}:{opt / 'bin'}",
        "LD_LIBRARY_PATH": ":".join(
            [*ld, str(layout.task_root), str(layout.task_root / "lib"), str(opt / "lib")]
        ),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "HOME": str(archives.empty_dir("home")),
    }
    for name in _PASSED:
        if os.environ.get(name):
            variables[name] = os.environ[name]
    if any(k.lower() in ("http_proxy", "https_proxy") for k in variables):
        for name in ("NO_PROXY", "no_proxy"):
            variables[name] = ",".join(p for p in (variables.get(name, ""), "127.0.0.1,localhost") if p)
    variables.update(layout.launch.env)
    variables.update(
        {
            "_HANDLER": image.handler or "",
            "AWS_REGION": image.region,
            "AWS_DEFAULT_REGION": image.region,
            "AWS_LAMBDA_FUNCTION_NAME": image.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": image.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(image.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": image.log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": env.log_stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_RUNTIME_API": env.address,
            "LAMBDA_TASK_ROOT": str(layout.task_root),
            "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        }
    )
    if layout.launch.execution_env:
        variables["AWS_EXECUTION_ENV"] = layout.launch.execution_env
    if image.aws_endpoint:
        variables["AWS_ENDPOINT_URL"] = image.aws_endpoint
    if image.credentials is not None:
        variables["AWS_ACCESS_KEY_ID"] = image.credentials.access_key_id
        variables["AWS_SECRET_ACCESS_KEY"] = image.credentials.secret_access_key
        if image.credentials.session_token:
            variables["AWS_SESSION_TOKEN"] = image.credentials.session_token
    for source in (image.environment, invocation.extra_env):
        for key, value in source.items():
            if key not in RESERVED_ENVIRONMENT:
                variables[str(key)] = str(value)
    return variables


class Pool:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.cond = threading.Condition()
        self.envs: list[Environment] = []
        self.reserved = 0
        self._reaper: threading.Thread | None = None
        self.closed = False

    # -- choosing an environment ---------------------------------------------------------------

    def acquire(self, key: str, wait_s: float) -> tuple[Environment | None, bool]:
        """An idle environment of ``key`` (marked busy), or (None, True) with a slot reserved for
        a new one; (None, False) when every slot stayed busy for ``wait_s``."""
        victim: Environment | None = None
        deadline = monotonic() + wait_s
        with self.cond:
            self._start_reaper()
            while True:
                dead = [e for e in self.envs if not e.busy and (e.exited is not None or e.closing)]
                for gone in dead:  # ended while idle: their slots are free
                    self.envs.remove(gone)
                    gone.kill()
                idle = [
                    e for e in self.envs if not e.busy and e.key == key and e.exited is None and not e.closing
                ]
                if idle:
                    env = max(idle, key=lambda e: e.last_used)
                    env.busy = True
                    return env, False
                if len(self.envs) + self.reserved < MAX_ENVIRONMENTS:
                    self.reserved += 1
                    break
                others = [e for e in self.envs if not e.busy]
                if others:
                    victim = min(others, key=lambda e: e.last_used)
                    self.envs.remove(victim)
                    self.reserved += 1
                    break
                remaining = deadline - monotonic()
                if remaining <= 0:
                    return None, False
                self.cond.wait(min(remaining, 1.0))
        if victim is not None:
            victim.kill()
        return None, True

    def add(self, env: Environment) -> None:
        with self.cond:
            self.reserved -= 1
            env.busy = True
            self.envs.append(env)

    def unreserve(self) -> None:
        with self.cond:
            self.reserved -= 1
            self.cond.notify()

    def release(self, env: Environment, healthy: bool) -> None:
        with self.cond:
            env.last_used = monotonic()
            env.busy = False
            if not healthy and env in self.envs:
                self.envs.remove(env)
            self.cond.notify()
        if not healthy:
            env.kill()

    # -- upkeep --------------------------------------------------------------------------------

    def _start_reaper(self) -> None:
        if self._reaper is None or not self._reaper.is_alive():
            self._reaper = threading.Thread(target=self._reap, name="lambda-reaper", daemon=True)
            self._reaper.start()

    def _reap(self) -> None:
        while True:
            time.sleep(min(30.0, IDLE_TTL_S / 4))
            now = monotonic()
            with self.cond:
                if self.closed:
                    return
                stale = [
                    e
                    for e in self.envs
                    if not e.busy and (now - e.last_used > IDLE_TTL_S or e.exited is not None)
                ]
                for env in stale:
                    self.envs.remove(env)
                if stale:
                    self.cond.notify_all()
            for env in stale:
                env.kill()

    def shutdown(self) -> None:
        with self.cond:
            envs, self.envs = self.envs, []
            self.cond.notify_all()
        for env in envs:
            env.kill()

    def live(self) -> int:
        with self.cond:
            return len(self.envs)


_pool_lock = threading.Lock()
_pool: Pool | None = None


def _current_pool() -> Pool:
    global _pool
    with _pool_lock:
        if _pool is None or _pool.pid != os.getpid():  # a forked child starts its own
            _pool = Pool()
        return _pool


def shutdown() -> None:
    """Kill every execution environment of this process (also run at interpreter exit)."""
    with _pool_lock:
        pool = _pool
    if pool is not None and pool.pid == os.getpid():
        pool.shutdown()


atexit.register(shutdown)


def live_environments() -> int:
    """How many execution environments this process keeps alive (busy or idle)."""
    return _current_pool().live()


# -- one invocation ----------------------------------------------------------------------------


def _key(image: FunctionImage, invocation: Invocation) -> str:
    if not invocation.extra_env:
        return image.identity
    extra = json.dumps(sorted(invocation.extra_env.items()))
    return f"{image.identity}#{hashlib.sha256(extra.encode()).hexdigest()[:16]}"


def _outcome(
    image: FunctionImage,
    call: Call,
    memory: int,
    *,
    payload: bytes,
    error_type: str | None,
    lines: list[tuple[dt.datetime, str]],
    duration_ms: float,
    init_ms: float | None,
    status: str | None = None,
    init_report: str | None = None,
) -> Outcome:
    rid = call.invocation.request_id
    billed = max(1, math.ceil(duration_ms + (init_ms or 0.0)))
    logs: list[LogLine] = []
    pre = call.pre_lines
    logs.extend(LogLine(at, text) for at, text in pre)
    if init_report is not None:
        logs.append(LogLine(utcnow(), init_report))
    logs.append(LogLine(utcnow(), f"START RequestId: {rid} Version: {image.version}"))
    logs.extend(LogLine(at, text) for at, text in lines)
    logs.append(LogLine(utcnow(), f"END RequestId: {rid}"))
    report = (
        f"REPORT RequestId: {rid}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed} ms\t"
        f"Memory Size: {image.memory_mb} MB\tMax Memory Used: {memory} MB"
    )
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    if status is not None:
        report += f"\t{status}"
    logs.append(LogLine(utcnow(), report))
    return Outcome(
        payload=payload,
        error_type="Unhandled" if error_type is not None else None,
        logs=tuple(logs),
        duration_ms=round(duration_ms, 2),
        billed_duration_ms=billed,
        max_memory_used_mb=memory,
        init_duration_ms=round(init_ms, 2) if init_ms is not None else None,
    )


def invoke(image: FunctionImage, invocation: Invocation) -> Outcome:
    """Run ``invocation`` in a warm or new execution environment of ``image`` (the code is laid
    out only for a new one: a warm one was started from the same layout)."""
    call = Call(invocation, invocation.invoked_arn or image.function_arn, float(image.timeout_s))
    pool = _current_pool()
    key = _key(image, invocation)
    env, new = pool.acquire(key, wait_s=float(image.timeout_s) + environment.INIT_TIMEOUT_S)
    if env is None and not new:
        return Outcome.refused("TooManyRequestsException", "Rate Exceeded.")
    if env is None:
        started = _start(image, invocation, call, key)
        if isinstance(started, Outcome):
            pool.unreserve()
            return started
        env = started
        pool.add(env)
    return _run(pool, env, image, call)


def _start(image: FunctionImage, invocation: Invocation, call: Call, key: str) -> Environment | Outcome:
    """A new execution environment for ``image``, or the Outcome that says why none can start."""
    try:
        layout = _layout(image)
    except (archives.ArchiveError, runtimes.Unsupported) as err:
        return Outcome.refused(err.code, err.message)
    except OSError as err:
        return Outcome.refused("ServiceException", f"awsmock could not lay out the function's code: {err}")
    rid = invocation.request_id
    if layout.launch is None:  # the runtime has no entry point: AWS's Runtime.InvalidEntrypoint
        return _invalid_entrypoint(image, call, f"RequestId: {rid} Error: {layout.entry_error}")
    try:
        env = Environment(image, key)
    except OSError as err:  # no port for its runtime API
        return Outcome.refused("ServiceException", f"awsmock could not start an execution environment: {err}")
    try:
        env.start(
            layout.launch.argv,
            _environment_variables(image, invocation, env, layout),
            layout.task_root or Path("/"),
        )
    except OSError as err:
        env.kill()
        program = Path(layout.launch.argv[0])
        where = str(program)
        if program.name == "bootstrap":  # named as AWS names them
            where = "/var/task/bootstrap" if program.parent == layout.task_root else "/opt/bootstrap"
        reason = err.strerror.lower() if err.strerror else str(err)
        return _invalid_entrypoint(image, call, f"RequestId: {rid} Error: fork/exec {where}: {reason}")
    return env


def _run(pool: Pool, env: Environment, image: FunctionImage, call: Call) -> Outcome:
    rid = call.invocation.request_id
    cold = not env.init_reported
    env.submit(call)
    result = env.wait(call, environment.INIT_TIMEOUT_S)
    ended = monotonic()
    memory = env.max_memory_mb()
    init_ms: float | None = None
    if cold:
        env.init_reported = True
        init_end = env.initialized_at if env.initialized_at is not None else ended
        init_ms = (init_end - env.started_at) * 1000
    if result == "done":
        env.sync_output()
        with env.sink.lock:
            env.sink.flush_partial()
            lines = env.sink.take()
        assert call.finished_at is not None and call.delivered_at is not None
        duration = (call.finished_at - call.delivered_at) * 1000
        payload = call.payload if call.payload is not None else b"null"
        outcome = _outcome(
            image,
            call,
            memory,
            payload=payload,
            error_type=call.error_type,
            lines=lines,
            duration_ms=duration,
            init_ms=init_ms,
        )
        pool.release(env, healthy=env.exited is None)
        return outcome

    # the environment ends: the runtime failed, exited or ran out of time
    timed_out = result in ("timeout", "init-timeout")
    pool.release(env, healthy=False)  # killed: its output ends
    env.settle()
    with env.sink.lock:
        env.sink.flush_partial()
        lines = env.sink.take()
    if call.delivered_at is None:  # nothing reached the handler: its init's output comes first
        call.pre_lines, lines = lines, []
    started = call.delivered_at if call.delivered_at is not None else ended
    duration = max(0.0, (ended - started) * 1000)
    init_report: str | None = None
    if timed_out:
        seconds = f"{float(image.timeout_s):.2f}"
        message = f"RequestId: {rid} Error: Task timed out after {seconds} seconds"
        if result == "init-timeout":
            assert init_ms is not None
            init_report = f"INIT_REPORT Init Duration: {init_ms:.2f} ms\tPhase: init\tStatus: timeout"
            duration = 0.0
        return _outcome(
            image,
            call,
            memory,
            payload=_error_doc("Sandbox.Timedout", message),
            error_type="Sandbox.Timedout",
            lines=lines,
            duration_ms=duration
            if result == "init-timeout"
            else max(duration, float(image.timeout_s) * 1000),
            init_ms=init_ms,
            status="Status: timeout",
            init_report=init_report,
        )
    if result == "init-error":
        assert env.init_failure is not None
        payload, error_type = env.init_failure
        init_report = f"INIT_REPORT Init Duration: {init_ms or 0.0:.2f} ms\tPhase: init\tStatus: error\tError Type: {error_type}"
        return _outcome(
            image,
            call,
            memory,
            payload=payload,
            error_type=error_type,
            lines=lines,
            duration_ms=0.0,
            init_ms=init_ms,
            status=f"Status: error\tError Type: {error_type}",
            init_report=init_report,
        )
    # the runtime's process ended before it answered
    code = env.exited if env.exited is not None else -9
    if code == 0:
        reason = "Runtime exited without providing a reason"
    else:
        reason = f"Runtime exited with error: {exit_reason(code)}"
    message = f"RequestId: {rid} Error: {reason}"
    if call.delivered_at is None:
        init_report = f"INIT_REPORT Init Duration: {init_ms or 0.0:.2f} ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError"
        duration = 0.0
    return _outcome(
        image,
        call,
        memory,
        payload=_error_doc("Runtime.ExitError", message),
        error_type="Runtime.ExitError",
        lines=lines,
        duration_ms=duration,
        init_ms=init_ms,
        status="Status: error\tError Type: Runtime.ExitError",
        init_report=init_report,
    )
