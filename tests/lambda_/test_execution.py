"""Lambda's execution engine, called directly: functions built from zips made here run for real
in local subprocesses, and answer what AWS answers (payloads, error documents, logs).

Each cold start costs ~100-200 ms, so images are shared across tests where they can be: one
Python function answers several behaviours, chosen by its event.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import json
import os
import shutil
import stat
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from awsmock.services.lambda_ import execution
from awsmock.services.lambda_.execution import (
    Archive,
    Credentials,
    FunctionImage,
    Invocation,
    Outcome,
    archives,
    environment,
)
from awsmock.services.lambda_.execution import pool as pool_module

ACCOUNT = "123456789012"


def make_zip(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> Archive:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            zf.writestr(info, text)
    data = buf.getvalue()
    return Archive(hashlib.sha256(data).hexdigest(), lambda: data)


def make_image(
    code: Archive | None,
    *,
    runtime: str | None = "python3.11",
    handler: str = "app.handler",
    name: str | None = None,
    revision: str = "r1",
    timeout: int = 3,
    layers: tuple[Archive, ...] = (),
    env: dict[str, str] | None = None,
    endpoint: str = "http://127.0.0.1:9",
    credentials: Credentials | None = None,
    package_type: str = "Zip",
) -> FunctionImage:
    name = name or f"fn-{uuid.uuid4().hex[:8]}"
    return FunctionImage(
        account=ACCOUNT,
        region="us-east-1",
        function_name=name,
        function_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}:$LATEST",
        version="$LATEST",
        revision_id=revision,
        package_type=package_type,
        runtime=runtime,
        handler=handler,
        code=code,
        image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:latest"
        if package_type == "Image"
        else None,
        layers=layers,
        environment=env or {},
        memory_mb=128,
        timeout_s=timeout,
        ephemeral_storage_mb=512,
        architectures=("x86_64",),
        log_group=f"/aws/lambda/{name}",
        credentials=credentials,
        aws_endpoint=endpoint,
    )


def run(image: FunctionImage, event: Any = None, **kw: Any) -> tuple[Outcome, Any]:
    rid = str(uuid.uuid4())
    outcome = execution.invoke(image, Invocation(rid, json.dumps(event).encode(), **kw))
    try:
        body = json.loads(outcome.payload) if outcome.payload else None
    except ValueError:
        body = outcome.payload
    return outcome, body


def messages(outcome: Outcome) -> list[str]:
    return [line.message for line in outcome.logs]


@pytest.fixture(scope="module", autouse=True)
def _engine() -> Iterator[None]:
    yield
    execution.shutdown()


PYTHON_APP = """
import json, os, signal, sys, time

print("init line")

def handler(event, context):
    do = (event or {}).get("do", "echo")
    if do == "echo":
        print("got", json.dumps(event))
        return {"event": event, "pid": os.getpid()}
    if do == "context":
        return {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
            "client_context_custom": context.client_context.custom if context.client_context else None,
            "identity_id": context.identity.cognito_identity_id,
            "env": dict(os.environ),
            "cwd": os.getcwd(),
        }
    if do == "raise":
        raise ValueError("boom " + str(event.get("n")))
    if do == "exit":
        sys.stdout.flush()
        os._exit(event["code"])
    if do == "sys.exit":
        sys.exit(event["code"])
    if do == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if do == "sleep":
        time.sleep(event["s"])
        return {"pid": os.getpid()}
    if do == "print":
        line = "x" * 1023
        for _ in range(event["kb"]):
            print(line)
        print("last line")
        return "printed"
    if do == "big":
        return "y" * event["n"]
    if do == "unserializable":
        return {1, 2}
    return None
"""


@pytest.fixture(scope="module")
def python_app() -> Archive:
    return make_zip({"app.py": PYTHON_APP})


@pytest.fixture(scope="module")
def echo(python_app: Archive) -> FunctionImage:
    return make_image(python_app, env={"GREETING": "hello", "AWS_REGION": "eu-west-3"})


# -- Python functions ---------------------------------------------------------------------------


def test_a_python_handler_answers_its_event_with_aws_logs(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "echo", "n": [1, "two"]})
    assert outcome.error_type is None and outcome.service_error is None
    assert body["event"] == {"do": "echo", "n": [1, "two"]}
    lines = messages(outcome)
    assert lines[0] == "init line"  # what init printed comes before START
    start = next(i for i, m in enumerate(lines) if m.startswith("START RequestId: "))
    assert lines[start].endswith(" Version: $LATEST")
    assert 'got {"do": "echo", "n": [1, "two"]}' in lines[start + 1 :]
    assert lines[-2].startswith("END RequestId: ")
    report = lines[-1]
    assert report.startswith("REPORT RequestId: ")
    assert "\tMemory Size: 128 MB\t" in report and "\tInit Duration: " in report
    assert outcome.max_memory_used_mb > 0 and outcome.init_duration_ms is not None
    assert outcome.billed_duration_ms >= outcome.duration_ms


def test_warm_environments_are_reused_and_a_new_revision_gets_a_new_one(echo: FunctionImage) -> None:
    _, a = run(echo, {"do": "echo"})
    again, b = run(echo, {"do": "echo"})
    assert a["pid"] == b["pid"]
    assert again.init_duration_ms is None
    assert "Init Duration" not in messages(again)[-1]
    assert "init line" not in messages(again)
    changed = make_image(echo.code, name=echo.function_name, revision="r2")
    fresh, c = run(changed, {"do": "echo"})
    assert c["pid"] != a["pid"] and fresh.init_duration_ms is not None


def test_the_context_and_environment_are_what_aws_gives(
    echo: FunctionImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    monkeypatch.setenv("AWSMOCK_TEST_SECRET", "must-not-leak")
    image = make_image(
        echo.code,
        env={"GREETING": "hello", "AWS_REGION": "eu-west-3"},
        credentials=Credentials("ASIAEXAMPLE", "secret", "token"),
        endpoint="http://127.0.0.1:4566",
    )
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    identity = json.dumps({"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"})
    outcome, body = run(image, {"do": "context"}, client_context=client_context, cognito_identity=identity)
    assert outcome.error_type is None, outcome.payload
    rid = body["aws_request_id"]
    assert messages(outcome)[-1].startswith(f"REPORT RequestId: {rid}\t")
    assert body["function_name"] == image.function_name
    assert body["function_version"] == "$LATEST"
    assert body["invoked_function_arn"] == image.function_arn
    assert body["memory_limit_in_mb"] == "128"
    assert body["log_group_name"] == f"/aws/lambda/{image.function_name}"
    assert "/[$LATEST]" in body["log_stream_name"]
    assert 0 < body["remaining"] <= 3000
    assert body["client_context_custom"] == {"k": "v"}
    assert body["identity_id"] == "id-1"
    env = body["env"]
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"  # reserved: not overridden
    assert env["GREETING"] == "hello"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == image.function_name
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{image.function_name}"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == body["log_stream_name"]
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["LAMBDA_TASK_ROOT"] == body["cwd"]
    assert env["TZ"] == ":UTC"
    assert env["AWS_ACCESS_KEY_ID"] == "ASIAEXAMPLE"
    assert env["AWS_SECRET_ACCESS_KEY"] == "secret"
    assert env["AWS_SESSION_TOKEN"] == "token"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert "AWSMOCK_TEST_SECRET" not in env


def test_a_raised_exception_is_the_unhandled_error_document(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "raise", "n": 7})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom 7"
    assert body["requestId"] and isinstance(body["stackTrace"], list)
    assert any("app.py" in frame and "in handler" in frame for frame in body["stackTrace"])
    assert any(
        m.startswith("[ERROR] ValueError: boom 7\rTraceback (most recent call last):")
        for m in messages(outcome)
    )
    # the environment survives a handled error
    ok, _ = run(echo, {"do": "echo"})
    assert ok.error_type is None and ok.init_duration_ms is None


def test_an_unserializable_result_is_a_marshal_error(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "unserializable"})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "Runtime.MarshalError"
    assert body["errorMessage"].startswith("Unable to marshal response: ")


def test_import_and_handler_errors_are_reported_as_aws_words_them() -> None:
    broken = make_image(make_zip({"app.py": "import nope_not_here\n"}))
    outcome, body = run(broken, {})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == "Unable to import module 'app': No module named 'nope_not_here'"
    assert any(
        m.startswith("INIT_REPORT Init Duration: ") and "Status: error" in m for m in messages(outcome)
    )

    missing = make_image(make_zip({"app.py": "def other(e, c):\n    return 1\n"}), handler="app.handler")
    _, body = run(missing, {})
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "Handler 'handler' missing on module 'app'"

    raising = make_image(make_zip({"app.py": "raise RuntimeError('no config')\n"}))
    _, body = run(raising, {})
    assert body["errorType"] == "RuntimeError" and body["errorMessage"] == "no config"
    assert body["requestId"] == ""


def test_a_timeout_kills_the_environment_and_answers_as_aws(python_app: Archive) -> None:
    image = make_image(python_app, timeout=1)
    _, before = run(image, {"do": "echo"})
    outcome, body = run(image, {"do": "sleep", "s": 30})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith(" Error: Task timed out after 1.00 seconds")
    assert body["errorMessage"].startswith("RequestId: ")
    assert messages(outcome)[-1].endswith("\tStatus: timeout")
    assert outcome.duration_ms >= 1000
    # the next invocation gets a new environment
    after, again = run(image, {"do": "echo"})
    assert after.error_type is None and again["pid"] != before["pid"]
    assert after.init_duration_ms is not None


def test_a_hang_in_init_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "INIT_TIMEOUT_S", 0.5)
    image = make_image(
        make_zip({"app.py": "import time\ntime.sleep(60)\ndef handler(e, c):\n    return 1\n"})
    )
    outcome, body = run(image, {})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert any(m.endswith("Phase: init\tStatus: timeout") for m in messages(outcome))


def test_a_runtime_that_exits_or_crashes_is_an_exit_error(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "exit", "code": 3})
    assert outcome.error_type == "Unhandled"
    assert body == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {body['errorMessage'].split()[1]} Error: Runtime exited with error: exit status 3",
    }
    assert messages(outcome)[-1].endswith("\tStatus: error\tError Type: Runtime.ExitError")

    _, body = run(echo, {"do": "sys.exit", "code": 0})
    assert body["errorMessage"].endswith(" Error: Runtime exited without providing a reason")

    _, body = run(echo, {"do": "segfault"})
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith(" Error: Runtime exited with error: signal: segmentation fault")

    ok, _ = run(echo, {"do": "echo"})
    assert ok.error_type is None


def test_megabytes_of_output_are_drained_and_logs_stay_bounded(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "print", "kb": 4096})
    assert outcome.error_type is None and body == "printed"
    lines = messages(outcome)
    assert "last line" in lines
    assert sum(len(m) + 1 for m in lines) < environment.MAX_LOG_BYTES + 4096


def test_a_response_over_6_mb_is_function_response_size_too_large(echo: FunctionImage) -> None:
    outcome, body = run(echo, {"do": "big", "n": 7_000_000})
    assert outcome.error_type == "Unhandled"
    assert body == {
        "errorType": "Function.ResponseSizeTooLarge",
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    }
    ok, _ = run(echo, {"do": "big", "n": 10})
    assert ok.error_type is None


def test_concurrent_invocations_get_separate_environments(python_app: Archive) -> None:
    image = make_image(python_app)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: run(image, {"do": "sleep", "s": 0.3}), range(2)))
    pids = {body["pid"] for _, body in results}
    assert len(pids) == 2


def test_layers_are_merged_in_order_into_opt() -> None:
    first = make_zip({"python/helper.py": "WHO = 'first'\n", "python/only_first.py": "X = 1\n"})
    second = make_zip(
        {"python/helper.py": "WHO = 'second'\n", "bin/tool": "#!/bin/sh\necho tool\n"}, {"bin/tool": 0o755}
    )
    code = make_zip(
        {
            "app.py": (
                "import helper, only_first, shutil\n"
                "def handler(e, c):\n"
                "    return {'who': helper.WHO, 'x': only_first.X, 'tool': bool(shutil.which('tool'))}\n"
            )
        }
    )
    outcome, body = run(make_image(code, layers=(first, second)), {})
    assert outcome.error_type is None, outcome.payload
    assert body == {"who": "second", "x": 1, "tool": True}


def test_a_function_reaches_awsmock_through_its_sdk_with_no_endpoint() -> None:
    from awsmock import ThreadedServer

    code = make_zip(
        {
            "app.py": (
                "import boto3\n"
                "def handler(event, context):\n"
                "    boto3.client('s3').create_bucket(Bucket=event['bucket'])\n"
                "    return 'made'\n"
            )
        }
    )
    bucket = f"from-lambda-{uuid.uuid4().hex[:8]}"
    with ThreadedServer() as server:
        image = make_image(
            code, endpoint=server.url, credentials=Credentials("AKIAEXAMPLE", "secret", ""), timeout=30
        )
        outcome, _ = run(image, {"bucket": bucket})
        assert outcome.error_type is None, outcome.payload
        s3 = boto3.client(
            "s3",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="AKIAEXAMPLE",
            aws_secret_access_key="secret",
        )
        assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
        execution.shutdown()


# -- other runtimes -----------------------------------------------------------------------------

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="no node on PATH")


@needs_node
def test_node_handlers_commonjs_esm_callback_and_errors() -> None:
    code = make_zip(
        {
            "index.js": (
                "exports.handler = async (event, context) => {\n"
                "  console.log('hello', event.n);\n"
                "  return { event, requestId: context.awsRequestId, name: context.functionName,\n"
                "           memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis(),\n"
                "           region: process.env.AWS_REGION };\n"
                "};\n"
                "exports.callback = (event, context, callback) => { setTimeout(() => callback(null, 'cb'), 5); };\n"
                "exports.fails = async () => { throw new TypeError('bad input'); };\n"
            ),
            "esm.mjs": "export const handler = async (event) => ({ esm: true, n: event.n });\n",
        }
    )
    outcome, body = run(make_image(code, runtime="nodejs20.x", handler="index.handler"), {"n": 5})
    assert outcome.error_type is None, outcome.payload
    assert body["event"] == {"n": 5} and body["memory"] == "128" and body["region"] == "us-east-1"
    assert 0 < body["remaining"] <= 3000
    assert any(m.endswith(f"\t{body['requestId']}\tINFO\thello 5") for m in messages(outcome))

    _, body = run(make_image(code, runtime="nodejs20.x", handler="esm.handler"), {"n": 6})
    assert body == {"esm": True, "n": 6}

    _, body = run(make_image(code, runtime="nodejs20.x", handler="index.callback"), {})
    assert body == "cb"

    outcome, body = run(make_image(code, runtime="nodejs20.x", handler="index.fails"), {})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "TypeError" and body["errorMessage"] == "bad input"
    assert isinstance(body["trace"], list)

    _, body = run(make_image(code, runtime="nodejs20.x", handler="index.nothing"), {})
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "index.nothing is undefined or not exported"

    _, body = run(make_image(code, runtime="nodejs20.x", handler="missing.handler"), {})
    assert body["errorType"] == "Runtime.ImportModuleError"


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on PATH")
def test_a_provided_runtime_runs_its_shell_bootstrap() -> None:
    bootstrap = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -i Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  echo "handling $ID"
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"echo\\": $EVENT, \\"handler\\": \\"$_HANDLER\\"}" >/dev/null
  rm -f "$HEADERS"
done
"""
    image = make_image(
        make_zip({"bootstrap": bootstrap}, {"bootstrap": 0o755}),
        runtime="provided.al2023",
        handler="fn.handler",
    )
    outcome, body = run(image, {"k": 1})
    assert outcome.error_type is None, outcome.payload
    assert body == {"echo": {"k": 1}, "handler": "fn.handler"}
    assert any(m.startswith("handling ") for m in messages(outcome))


def test_a_provided_runtime_without_a_bootstrap_is_an_invalid_entrypoint() -> None:
    image = make_image(make_zip({"main.sh": "echo"}), runtime="provided.al2")
    outcome, body = run(image, {})
    assert outcome.error_type == "Unhandled"
    assert body["errorType"] == "Runtime.InvalidEntrypoint"
    assert body["errorMessage"].endswith(
        "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
    )

    image = make_image(make_zip({"bootstrap": "#!/bin/sh\n"}, {"bootstrap": 0o644}), runtime="provided.al2")
    _, body = run(image, {})
    assert body["errorType"] == "Runtime.InvalidEntrypoint"
    assert body["errorMessage"].endswith(" Error: fork/exec /var/task/bootstrap: permission denied")

    image = make_image(
        make_zip({"bootstrap": "no interpreter line\n"}, {"bootstrap": 0o755}), runtime="provided"
    )
    _, body = run(image, {})
    assert body["errorType"] == "Runtime.InvalidEntrypoint"
    assert body["errorMessage"].endswith(" Error: fork/exec /var/task/bootstrap: exec format error")


def test_runtimes_with_nothing_to_run_them_say_what_is_missing() -> None:
    outcome, _ = run(
        make_image(make_zip({"A.class": b"\xca\xfe"}), runtime="java21", handler="A::handle"), {}
    )
    assert outcome.service_error is not None
    code, message = outcome.service_error
    assert code == "InvalidRuntimeException"
    assert "java21" in message and "JVM" in message

    image = make_image(None, runtime=None, package_type="Image")
    outcome, _ = run(image, {})
    assert outcome.service_error is not None and "Docker" in outcome.service_error[1]


def test_bad_archives_are_refused_cleanly(tmp_path: Any) -> None:
    data = b"this is not a zip"
    outcome, _ = run(make_image(Archive(hashlib.sha256(data).hexdigest(), lambda: data)), {})
    assert outcome.service_error == ("InvalidZipFileException", archives.BAD_ZIP)

    marker = f"escaped-{uuid.uuid4().hex}"
    slip = make_zip({f"../../{marker}": "x", "app.py": "def handler(e, c):\n    return 1\n"})
    outcome, _ = run(make_image(slip), {})
    assert outcome.service_error == ("InvalidZipFileException", archives.BAD_ZIP)
    for where in (archives.cache_root(), archives.cache_root().parent, archives.cache_root() / "code"):
        assert not any(marker in name for name in os.listdir(where))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("etc")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc")
        zf.writestr("etc/passwd-copy", "x")
    data = buf.getvalue()
    outcome, _ = run(make_image(Archive(hashlib.sha256(data).hexdigest(), lambda: data)), {})
    assert outcome.service_error == ("InvalidZipFileException", archives.BAD_ZIP)


def test_code_over_250_mb_unzipped_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "MAX_UNZIPPED_BYTES", 1000)
    big = make_zip({"app.py": "def handler(e, c):\n    return 1\n", "data.bin": "0" * 5000})
    outcome, _ = run(make_image(big), {})
    assert outcome.service_error == (
        "InvalidParameterValueException",
        "Unzipped size must be smaller than 262144000 bytes",
    )


def test_the_pool_is_bounded_and_evicts_the_least_recently_used(
    python_app: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    execution.shutdown()
    monkeypatch.setattr(pool_module, "MAX_ENVIRONMENTS", 2)
    a, b, c = (make_image(python_app) for _ in range(3))
    _, first_a = run(a, {"do": "echo"})
    run(b, {"do": "echo"})
    run(c, {"do": "echo"})  # the least recently used (a's) makes room
    assert execution.live_environments() == 2
    _, again_a = run(a, {"do": "echo"})
    assert again_a["pid"] != first_a["pid"]
    assert execution.live_environments() == 2


def test_a_test_that_freezes_its_clock_does_not_freeze_the_functions(echo: FunctionImage) -> None:
    import freezegun
    import time_machine

    with time_machine.travel("2001-02-03 04:05:06", tick=False):
        outcome, body = run(echo, {"do": "context"})
    assert outcome.error_type is None and 0 < body["remaining"] <= 3000
    with freezegun.freeze_time("2001-02-03 04:05:06"):
        outcome, body = run(echo, {"do": "context"})
    assert outcome.error_type is None and 0 < body["remaining"] <= 3000
