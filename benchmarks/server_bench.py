"""Server throughput: awsmock vs moto_server vs a hello-world Falcon app, in one run.

    python benchmarks/server_bench.py [--duration 5] [--connections 8] [--threads 8]
                                      [--workloads s3_get,s3_put,...] [--no-moto]

Each workload is set up with boto3, then driven by `wrk` (Debian package `wrk`) with the exact
HTTP requests botocore sends, carrying unsigned-but-scoped SigV4 headers. Prints requests/s,
p99 latency and the ratios the performance issue sets targets for.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config as BotoConfig

HERE = Path(__file__).resolve().parent
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/{svc}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_awsmock(threads: int, data_dir: str, extra: list[str]) -> tuple[Server, float]:
    port = free_port()
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "awsmock", "server", "-p", str(port), "--data-dir", data_dir,
                             "--threads", str(threads), "--log-level", "error", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_awsmock/health", timeout=5).read()
            break
        except OSError:
            time.sleep(0.01)
    return Server("awsmock", proc, port), time.monotonic() - t0


def start_moto() -> Server | None:
    port = free_port()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    try:
        wait_port(port)
    except RuntimeError:
        proc.kill()
        return None
    return Server("moto", proc, port)


def start_ceiling(threads: int) -> Server:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "hello_falcon.py"), str(port), str(threads)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return Server("ceiling", proc, port)


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing",
                        config=BotoConfig(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))


def capture(service: str, url: str, call: Callable[[Any], Any]) -> dict[str, Any]:
    """The HTTP request botocore sends for ``call`` (not sent anywhere)."""
    c = client(service, url)
    seen: dict[str, Any] = {}

    def grab(request: Any, **_: Any) -> AWSResponse:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        seen.update(method=request.method, url=request.url, headers=dict(request.headers.items()), body=body or b"")
        raise _Captured()

    c.meta.events.register("before-send", grab)
    try:
        call(c)
    except _Captured:
        pass
    signing = c.meta.service_model.signing_name
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in seen["headers"].items()}
    headers["Authorization"] = AUTH.format(svc=signing)
    headers.pop("Expect", None)
    seen["headers"] = headers
    seen["path"] = seen["url"].split(url, 1)[1] or "/"
    return seen


class _Captured(Exception):
    pass


def lua_string(b: bytes | str) -> str:
    if isinstance(b, str):
        b = b.encode()
    return '"' + "".join(f"\\{c}" for c in b) + '"'


def lua_request(req: dict[str, Any]) -> str:
    hdrs = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in req["headers"].items()
                     if k.lower() not in ("content-length", "host"))
    return (f"wrk.format({lua_string(req['method'])}, {lua_string(req['path'])}, "
            f"{{{hdrs}}}, {lua_string(req['body'])})")


SIMPLE = "request = function() return REQ end\n"

SQS_RECEIVE_DELETE = r"""
local pending = nil
request = function()
  if pending then
    local body = '{"QueueUrl":"' .. QURL .. '","ReceiptHandle":"' .. pending .. '"}'
    pending = nil
    return wrk.format("POST", "/", DELHDRS, body)
  end
  return RECV
end
response = function(status, headers, body)
  local rh = string.match(body or "", '"ReceiptHandle"%s*:%s*"([^"]+)"')
  if rh then pending = rh end
end
"""

SSM_BY_PATH = r"""
local token = nil
request = function()
  if token then
    local body = '{"Path": "/bench/tree", "Recursive": true, "MaxResults": 10, "NextToken": "' .. token .. '"}'
    token = nil
    return wrk.format("POST", "/", HDRS, body)
  end
  return FIRST
end
response = function(status, headers, body)
  token = string.match(body or "", '"NextToken"%s*:%s*"([^"]+)"')
end
"""


def workloads(url: str) -> dict[str, Callable[[], str]]:
    """name -> a function that sets the workload up on ``url`` and returns the wrk Lua script."""

    def s3_setup() -> Any:
        s3 = client("s3", url)
        try:
            s3.create_bucket(Bucket="bench")
        except Exception:
            pass
        s3.put_object(Bucket="bench", Key="k", Body=b"x" * 1024)
        return s3

    def s3_get() -> str:
        s3_setup()
        req = capture("s3", url, lambda c: c.get_object(Bucket="bench", Key="k"))
        return SIMPLE.replace("REQ", lua_request(req))

    def s3_put() -> str:
        s3_setup()
        req = capture("s3", url, lambda c: c.put_object(Bucket="bench", Key="p", Body=b"y" * 1024))
        return SIMPLE.replace("REQ", lua_request(req))

    def sqs_queue() -> str:
        return client("sqs", url).create_queue(QueueName="bench")["QueueUrl"]

    def sqs_send() -> str:
        q = sqs_queue()
        req = capture("sqs", url, lambda c: c.send_message(QueueUrl=q, MessageBody="x" * 100))
        return SIMPLE.replace("REQ", lua_request(req))

    def sqs_receive_delete() -> str:
        q = sqs_queue()
        sqs = client("sqs", url)
        for _ in range(300):
            sqs.send_message_batch(QueueUrl=q, Entries=[{"Id": str(i), "MessageBody": "m" * 100} for i in range(10)])
        recv = capture("sqs", url, lambda c: c.receive_message(QueueUrl=q, MaxNumberOfMessages=1))
        delete = capture("sqs", url, lambda c: c.delete_message(QueueUrl=q, ReceiptHandle="RH"))
        hdrs = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in delete["headers"].items()
                         if k.lower() not in ("content-length", "host"))
        return (SQS_RECEIVE_DELETE.replace("RECV", lua_request(recv)).replace("DELHDRS", "{" + hdrs + "}")
                .replace("QURL", lua_string(q)))

    def ddb_table(items: int = 0) -> Any:
        ddb = client("dynamodb", url)
        try:
            ddb.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                   {"AttributeName": "sk", "AttributeType": "N"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "sk", "KeyType": "RANGE"}])
        except Exception:
            pass
        ddb.put_item(TableName="bench", Item={"pk": {"S": "k"}, "sk": {"N": "0"}, "v": {"S": "x" * 100}})
        for start in range(0, items, 25):
            ddb.batch_write_item(RequestItems={"bench": [
                {"PutRequest": {"Item": {"pk": {"S": "big"}, "sk": {"N": str(i)}, "v": {"S": "v"}}}}
                for i in range(start, min(start + 25, items))]})
        return ddb

    def ddb_get() -> str:
        ddb_table()
        req = capture("dynamodb", url, lambda c: c.get_item(TableName="bench", Key={"pk": {"S": "k"}, "sk": {"N": "0"}}))
        return SIMPLE.replace("REQ", lua_request(req))

    def ddb_put() -> str:
        ddb_table()
        req = capture("dynamodb", url, lambda c: c.put_item(
            TableName="bench", Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "y" * 100}}))
        return SIMPLE.replace("REQ", lua_request(req))

    def ddb_query() -> str:
        ddb_table(items=10_000)
        req = capture("dynamodb", url, lambda c: c.query(
            TableName="bench", KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={":p": {"S": "big"}, ":a": {"N": "5000"}, ":b": {"N": "5009"}}))
        return SIMPLE.replace("REQ", lua_request(req))

    def kms_key() -> str:
        return client("kms", url).create_key()["KeyMetadata"]["KeyId"]

    def kms_encrypt() -> str:
        key = kms_key()
        req = capture("kms", url, lambda c: c.encrypt(KeyId=key, Plaintext=b"p" * 1024))
        return SIMPLE.replace("REQ", lua_request(req))

    def kms_decrypt() -> str:
        blob = client("kms", url).encrypt(KeyId=kms_key(), Plaintext=b"p" * 1024)["CiphertextBlob"]
        req = capture("kms", url, lambda c: c.decrypt(CiphertextBlob=blob))
        return SIMPLE.replace("REQ", lua_request(req))

    def secret_get() -> str:
        sm = client("secretsmanager", url)
        try:
            sm.create_secret(Name="bench/secret", SecretString="s" * 1024)
        except Exception:
            pass
        req = capture("secretsmanager", url, lambda c: c.get_secret_value(SecretId="bench/secret"))
        return SIMPLE.replace("REQ", lua_request(req))

    def ssm_params() -> Any:
        ssm = client("ssm", url)
        ssm.put_parameter(Name="/bench/string", Value="v" * 100, Type="String", Overwrite=True)
        ssm.put_parameter(Name="/bench/secure", Value="s" * 100, Type="SecureString", Overwrite=True)
        return ssm

    def ssm_get() -> str:
        ssm_params()
        req = capture("ssm", url, lambda c: c.get_parameter(Name="/bench/string"))
        return SIMPLE.replace("REQ", lua_request(req))

    def ssm_get_secure() -> str:
        ssm_params()
        req = capture("ssm", url, lambda c: c.get_parameter(Name="/bench/secure", WithDecryption=True))
        return SIMPLE.replace("REQ", lua_request(req))

    def ssm_by_path() -> str:
        # 1,000 parameters under /bench/tree; each wrk connection walks all 100 pages (MaxResults=10,
        # the model's cap) following NextToken, then starts over: req/s counts pages
        ssm = client("ssm", url)
        for i in range(1000):
            ssm.put_parameter(Name=f"/bench/tree/g{i // 100}/p{i:04d}", Value=f"value-{i}", Type="String",
                              Overwrite=True)
        first = capture("ssm", url, lambda c: c.get_parameters_by_path(Path="/bench/tree", Recursive=True,
                                                                        MaxResults=10))
        hdrs = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in first["headers"].items()
                         if k.lower() not in ("content-length", "host"))
        return (SSM_BY_PATH.replace("FIRST", lua_request(first)).replace("HDRS", "{" + hdrs + "}"))

    # -- observability (issue #27, point 6) ----------------------------------------------------

    def logs_group(group: str, events: int) -> Any:
        logs = client("logs", url)
        try:
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName="s")
        except Exception:
            pass
        start = int(time.time() * 1000) - events - 120_000
        for at in range(0, events, 5000):  # 5,000 events of ~100 bytes a call (within 1 MB)
            n = min(5000, events - at)
            logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
                {"timestamp": start + at + i, "message": f"INFO request {at + i:08d} path=/api/items/{i % 977} "
                                                        f"status=200 took={i % 313}ms user=u{i % 89}"}
                for i in range(n)])
        return logs

    def logs_put() -> str:
        logs_group("/bench/put", 0)
        now = int(time.time() * 1000)
        req = capture("logs", url, lambda c: c.put_log_events(
            logGroupName="/bench/put", logStreamName="s",
            logEvents=[{"timestamp": now - 100 + i, "message": f"INFO request {i:08d} path=/api/items/{i} "
                                                               "status=200 took=5ms user=u1"} for i in range(100)]))
        return SIMPLE.replace("REQ", lua_request(req))

    def logs_filter(group: str = "/bench/filter", events: int = 100_000) -> str:
        # FilterLogEvents' first page of 100 events over the whole group, no pattern
        logs_group(group, events)
        req = capture("logs", url, lambda c: c.filter_log_events(logGroupName=group, limit=100))
        return SIMPLE.replace("REQ", lua_request(req))

    def logs_filter_10k() -> str:  # the same page over a group a tenth the size
        return logs_filter("/bench/filter10k", 10_000)

    cw_dims = [{"Name": "Service", "Value": "api"}]

    def cw_put() -> str:
        batch = [{"MetricName": "Latency", "Dimensions": cw_dims, "Value": 1.0, "Unit": "Milliseconds"}] * 20
        req = capture("cloudwatch", url, lambda c: c.put_metric_data(Namespace="Bench", MetricData=batch))
        return SIMPLE.replace("REQ", lua_request(req))

    def cw_get() -> str:
        # GetMetricData (one MetricStat, Average by 60 s) over a day of one-minute points
        import datetime as dt

        cw = client("cloudwatch", url)
        end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        begin = end - dt.timedelta(days=1)
        stamps = [begin + dt.timedelta(minutes=i) for i in range(1440)]
        for i in range(0, 1440, 144):
            cw.put_metric_data(Namespace="BenchDay", MetricData=[
                {"MetricName": "Latency", "Dimensions": cw_dims, "Timestamp": t, "Value": float(n % 97),
                 "Unit": "Milliseconds"} for n, t in enumerate(stamps[i:i + 144], i)])
        query = [{"Id": "m", "MetricStat": {"Metric": {"Namespace": "BenchDay", "MetricName": "Latency",
                                                       "Dimensions": cw_dims}, "Period": 60, "Stat": "Average"}}]
        req = capture("cloudwatch", url, lambda c: c.get_metric_data(MetricDataQueries=query, StartTime=begin,
                                                                    EndTime=end))
        return SIMPLE.replace("REQ", lua_request(req))

    kinesis_records = [{"Data": bytes(range(100)), "PartitionKey": f"key-{i}"} for i in range(100)]

    def kinesis_stream() -> Any:
        kinesis = client("kinesis", url)
        try:
            kinesis.create_stream(StreamName="bench", ShardCount=1)
            time.sleep(1)  # CREATING for a moment
            for _ in range(20):
                kinesis.put_records(StreamName="bench", Records=kinesis_records)
        except Exception:
            pass
        return kinesis

    def kinesis_put() -> str:
        kinesis_stream()
        req = capture("kinesis", url, lambda c: c.put_records(StreamName="bench", Records=kinesis_records))
        return SIMPLE.replace("REQ", lua_request(req))

    def kinesis_get() -> str:
        # GetRecords of 100 from one iterator in the middle of a shard of 2,000, read again and again
        kinesis = kinesis_stream()
        shard = "shardId-000000000000"
        first = kinesis.get_shard_iterator(StreamName="bench", ShardId=shard,
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        middle = kinesis.get_records(ShardIterator=first, Limit=1000)["Records"][-1]["SequenceNumber"]
        iterator = kinesis.get_shard_iterator(StreamName="bench", ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                              StartingSequenceNumber=middle)["ShardIterator"]
        req = capture("kinesis", url, lambda c: c.get_records(ShardIterator=iterator, Limit=100))
        return SIMPLE.replace("REQ", lua_request(req))

    return {"s3_get": s3_get, "s3_put": s3_put, "sqs_send": sqs_send, "sqs_receive_delete": sqs_receive_delete,
            "dynamodb_get": ddb_get, "dynamodb_put": ddb_put, "dynamodb_query": ddb_query,
            "kms_encrypt": kms_encrypt, "kms_decrypt": kms_decrypt, "secret_get": secret_get,
            "ssm_get": ssm_get, "ssm_get_secure": ssm_get_secure, "ssm_by_path": ssm_by_path,
            "logs_put": logs_put, "logs_filter": logs_filter, "logs_filter_10k": logs_filter_10k,
            "cloudwatch_put": cw_put, "cloudwatch_get": cw_get, "kinesis_put": kinesis_put,
            "kinesis_get": kinesis_get}


def run_wrk(url: str, script: str, duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
        path = fh.name
    try:
        out = subprocess.run(["wrk", f"-t{min(connections, 8)}", f"-c{connections}", f"-d{duration}s", "--latency",
                              "-s", path, url], capture_output=True, text=True, timeout=duration + 60).stdout
    finally:
        os.unlink(path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = 0.0
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "p99_ms": p99_ms, "non2xx": errors}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8, help="waitress threads for awsmock and the ceiling app")
    ap.add_argument("--workloads", default="all")
    ap.add_argument("--no-moto", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--concurrency", type=int, default=None, help="awsmock server --concurrency")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    data_dir = tempfile.mkdtemp(prefix="awsmock-bench-")
    extra = [] if args.concurrency is None else ["--concurrency", str(args.concurrency)]
    awsmock, startup = start_awsmock(args.threads, data_dir, extra)
    idle_rss = awsmock.rss_mib()
    moto = None if args.no_moto else start_moto()
    ceiling = start_ceiling(args.threads)
    results: dict[str, Any] = {"startup_s": round(startup, 3), "idle_rss_mib": round(idle_rss, 1), "workloads": {}}
    try:
        hello = run_wrk(ceiling.url, SIMPLE.replace("REQ", 'wrk.format("POST", "/", {}, "{}")'),
                        args.duration, args.connections)
        results["ceiling_rps"] = hello["rps"]
        names = list(workloads(awsmock.url)) if args.workloads == "all" else args.workloads.split(",")
        for name in names:
            row: dict[str, Any] = {}
            for server in (awsmock, moto):
                if server is None:
                    continue
                try:
                    script = workloads(server.url)[name]()
                    row[server.name] = run_wrk(server.url, script, args.duration, args.connections)
                except Exception as exc:  # a peer that cannot run a workload is reported, not fatal
                    row[server.name] = {"error": repr(exc)[:200]}
            a = row.get("awsmock", {}).get("rps")
            m = row.get("moto", {}).get("rps")
            row["vs_moto"] = round(a / m, 2) if a and m else None
            row["vs_ceiling"] = round(a / hello["rps"], 2) if a else None
            results["workloads"][name] = row
        results["awsmock_rss_after_mib"] = round(awsmock.rss_mib(), 1)
    finally:
        for server in (awsmock, moto, ceiling):
            if server is not None:
                server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"startup {results['startup_s']} s, idle RSS {results['idle_rss_mib']} MiB, "
              f"ceiling (hello-world Falcon) {results['ceiling_rps']:.0f} req/s")
        print(f"{'workload':<22}{'awsmock':>10}{'p99 ms':>8}{'moto':>9}{'x moto':>8}{'of ceiling':>11}{'non-2xx':>9}")
        for name, row in results["workloads"].items():
            a, m = row.get("awsmock", {}), row.get("moto", {})
            print(f"{name:<22}{a.get('rps', 0):>10.0f}{a.get('p99_ms', 0):>8.1f}{m.get('rps', 0):>9.0f}"
                  f"{row['vs_moto'] or 0:>8.2f}{row['vs_ceiling'] or 0:>11.2f}{a.get('non2xx', 0):>9}")
            for who in ("awsmock", "moto"):
                if "error" in row.get(who, {}):
                    print(f"   {who}: {row[who]['error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
