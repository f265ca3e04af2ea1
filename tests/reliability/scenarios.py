"""Reliability scenarios shared by ``tests/reliability`` (short forms) and
``benchmarks/reliability_bench.py`` (long forms).

Each scenario drives real ``awsmock server`` processes with boto3 from several threads, checks
what a user could see, raises ``AssertionError`` with the evidence when a guarantee breaks and
returns the figures it measured.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from tests.helpers import ServerProcess

PART_SIZE = 5 * 1024 * 1024  # S3's smallest non-last multipart part
DB_ERROR_WORDS = ("database is locked", "database table is locked", "sqlite", "operationalerror", "busy")


def blob(key: str, size: int) -> bytes:
    """Deterministic content for ``key`` (so a reader can tell a whole body from a torn one)."""
    seed = hashlib.sha256(key.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def size_for(key: str) -> int:
    return 1 + int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 300_000


def integrity_check(db: Path) -> str:
    """``PRAGMA integrity_check`` of the SQLite file (WAL recovered by opening it)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(r[0] for r in rows)


def is_db_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in DB_ERROR_WORDS)


def create_table(ddb: Any, name: str) -> None:
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )


def scan_all(ddb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kw: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = ddb.scan(**kw)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def drain_queue(sqs: Any, url: str) -> list[str]:
    """Every message body left in the queue (each received once, kept invisible)."""
    bodies: list[str] = []
    empty = 0
    while empty < 3:
        msgs = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600, WaitTimeSeconds=0
        ).get("Messages", [])
        if not msgs:
            empty += 1
            continue
        empty = 0
        bodies.extend(m["Body"] for m in msgs)
    return bodies


# -- kill -9 in the middle of concurrent writes ---------------------------------------------------


@dataclass
class WriterLog:
    """What one writer thread sent and what the server acknowledged."""

    tid: int
    acked: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    counter_acked: int = 0
    counter_sent: int = 0
    server_errors: list[str] = field(default_factory=list)
    ops: int = 0


def _writer(
    tid: int, clients: dict[str, Any], names: dict[str, str], stop: threading.Event, log: WriterLog
) -> None:
    s3, sqs, ddb = clients["s3"], clients["sqs"], clients["dynamodb"]
    bucket, url, table = names["bucket"], names["queue_url"], names["table"]
    i = 0
    while not stop.is_set():
        i += 1
        kind = i % 8
        tag = f"{tid}:{i}"
        try:
            if kind in (0, 4):
                key = f"t{tid}/o{i}"
                s3.put_object(Bucket=bucket, Key=key, Body=blob(key, size_for(key)))
                log.acked["s3"].add(key)
            elif kind == 1:
                sqs.send_message(QueueUrl=url, MessageBody=f"m:{tag}")
                log.acked["sqs"].add(f"m:{tag}")
            elif kind == 2:
                log.counter_sent += 1
                ddb.update_item(
                    TableName=table,
                    Key={"pk": {"S": f"ctr#{tid}"}},
                    UpdateExpression="ADD n :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )
                log.counter_acked += 1
            elif kind == 3:
                items = [
                    {"Put": {"TableName": table, "Item": {"pk": {"S": f"tx#{tag}#{k}"}}}} for k in range(3)
                ]
                items.append(
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"pk": {"S": f"txsum#{tid}"}},
                            "UpdateExpression": "ADD n :three",
                            "ExpressionAttributeValues": {":three": {"N": "3"}},
                        }
                    }
                )
                ddb.transact_write_items(TransactItems=items)
                log.acked["tx"].add(tag)
            elif kind == 5:
                ddb.batch_write_item(
                    RequestItems={
                        table: [{"PutRequest": {"Item": {"pk": {"S": f"bw#{tag}#{k}"}}}} for k in range(5)]
                    }
                )
                log.acked["bw"].add(tag)
            elif kind == 6:
                sqs.send_message_batch(
                    QueueUrl=url, Entries=[{"Id": str(k), "MessageBody": f"b:{tag}:{k}"} for k in range(10)]
                )
                log.acked["sqsbatch"].add(tag)
            elif kind == 7 and i % 24 == 7:
                key = f"t{tid}/mp{i}"
                body = blob(key, PART_SIZE + 1000)
                up = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
                e1 = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1, Body=body[:PART_SIZE])[
                    "ETag"
                ]
                e2 = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=2, Body=body[PART_SIZE:])[
                    "ETag"
                ]
                s3.complete_multipart_upload(
                    Bucket=bucket,
                    Key=key,
                    UploadId=up,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]},
                )
                log.acked["mp"].add(key)
            log.ops += 1
        except ClientError as exc:  # the server answered with an error: never expected here
            if stop.is_set():
                return
            log.server_errors.append(f"{exc.operation_name}: {exc.response.get('Error')}")
        except Exception:  # the connection died with the server: this write is in flight
            return


def _setup_round(srv: ServerProcess, rnd: int) -> dict[str, str]:
    names = {"bucket": f"crash-{rnd}", "table": f"crash{rnd}", "queue": f"crash{rnd}"}
    srv.client("s3").create_bucket(Bucket=names["bucket"])
    create_table(srv.client("dynamodb"), names["table"])
    names["queue_url"] = srv.client("sqs").create_queue(QueueName=names["queue"])["QueueUrl"]
    return names


def _verify_round(srv: ServerProcess, names: dict[str, str], logs: list[WriterLog]) -> dict[str, int]:
    s3, sqs, ddb = srv.client("s3"), srv.client("sqs"), srv.client("dynamodb")
    problems: list[str] = []
    # S3: every acknowledged object is there; every object there is whole
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=names["bucket"]):
        keys.update(o["Key"] for o in page.get("Contents", []))
    for key in sorted(keys):
        size = PART_SIZE + 1000 if "/mp" in key else size_for(key)
        got = s3.get_object(Bucket=names["bucket"], Key=key)["Body"].read()
        if got != blob(key, size):
            problems.append(f"s3 {key}: {len(got)} bytes, not the {size} written")
    acked_s3 = set().union(*(lg.acked["s3"] for lg in logs), *(lg.acked["mp"] for lg in logs))
    if missing := acked_s3 - keys:
        problems.append(f"acknowledged S3 objects lost: {sorted(missing)[:5]} ({len(missing)})")
    # SQS: acknowledged messages present once; batches whole
    bodies = drain_queue(sqs, names["queue_url"])
    counts = Counter(bodies)
    if dups := [b for b, n in counts.items() if n > 1]:
        problems.append(f"sqs messages delivered twice: {dups[:5]}")
    present = set(bodies)
    acked_msgs = set().union(*(lg.acked["sqs"] for lg in logs))
    if missing := acked_msgs - present:
        problems.append(f"acknowledged SQS messages lost: {sorted(missing)[:5]} ({len(missing)})")
    batches: Counter[str] = Counter(b.rsplit(":", 1)[0][2:] for b in bodies if b.startswith("b:"))
    if torn := {t: n for t, n in batches.items() if n != 10}:
        problems.append(f"SendMessageBatch half there: {torn}")
    for lg in logs:
        if missing := lg.acked["sqsbatch"] - set(batches):
            problems.append(f"acknowledged SendMessageBatch lost: {sorted(missing)[:5]}")
    # DynamoDB: counters, transactions and batches
    items = {it["pk"]["S"]: it for it in scan_all(ddb, names["table"])}
    tx: Counter[str] = Counter(pk[3:].rsplit("#", 1)[0] for pk in items if pk.startswith("tx#"))
    bw: Counter[str] = Counter(pk[3:].rsplit("#", 1)[0] for pk in items if pk.startswith("bw#"))
    if torn := {t: n for t, n in tx.items() if n != 3}:
        problems.append(f"TransactWriteItems half there: {torn}")
    if torn := {t: n for t, n in bw.items() if n != 5}:
        problems.append(f"BatchWriteItem half there: {torn}")
    for lg in logs:
        n = int(items.get(f"ctr#{lg.tid}", {}).get("n", {}).get("N", "0"))
        if not lg.counter_acked <= n <= lg.counter_sent:
            problems.append(f"counter {lg.tid}: {n}, acknowledged {lg.counter_acked}, sent {lg.counter_sent}")
        txsum = int(items.get(f"txsum#{lg.tid}", {}).get("n", {}).get("N", "0"))
        mine = sum(1 for t in tx if t.startswith(f"{lg.tid}:"))
        if txsum != 3 * mine:
            problems.append(f"transaction sum {lg.tid}: {txsum} for {mine} transactions present")
        if missing := lg.acked["tx"] - set(tx):
            problems.append(f"acknowledged TransactWriteItems lost: {sorted(missing)[:5]}")
        if missing := lg.acked["bw"] - set(bw):
            problems.append(f"acknowledged BatchWriteItem lost: {sorted(missing)[:5]}")
        problems.extend(f"server error while writing: {e}" for e in lg.server_errors)
    assert not problems, "\n".join(problems)
    return {
        "objects": len(keys),
        "messages": len(bodies),
        "items": len(items),
        "acked_writes": sum(lg.ops for lg in logs),
        "multipart_objects": sum(1 for k in keys if "/mp" in k),
        "transactions": len(tx),
        "batch_writes": len(bw),
        "message_batches": len(batches),
    }


def crash_rounds(
    data_dir: Path,
    rounds: int,
    threads: int = 4,
    seconds: tuple[float, float] = (0.8, 2.0),
    seed: int | None = None,
) -> list[dict[str, Any]]:
    """``rounds`` times: concurrent writers, ``kill -9`` of the server at a random moment, integrity
    check of the file, restart, check every acknowledged write and that nothing is torn."""
    rng = random.Random(seed)
    db = data_dir / "awsmock.db"
    srv = ServerProcess(data_dir).start()
    figures: list[dict[str, Any]] = []
    try:
        for rnd in range(rounds):
            names = _setup_round(srv, rnd)
            clients = [{s: srv.client(s) for s in ("s3", "sqs", "dynamodb")} for _ in range(threads)]
            logs = [WriterLog(t) for t in range(threads)]
            stop = threading.Event()
            workers = [
                threading.Thread(target=_writer, args=(t, clients[t], names, stop, logs[t]), daemon=True)
                for t in range(threads)
            ]
            for w in workers:
                w.start()
            time.sleep(rng.uniform(*seconds))
            assert srv.proc is not None
            os.kill(srv.proc.pid, signal.SIGKILL)  # kill -9, mid-write
            srv.proc.wait(10)
            stop.set()
            for w in workers:
                w.join(60)
            srv.proc = None
            check = integrity_check(db)
            assert check == "ok", f"round {rnd}: integrity_check: {check}"
            srv = ServerProcess(data_dir).start()
            result: dict[str, Any] = {"round": rnd, "integrity": check, **_verify_round(srv, names, logs)}
            figures.append(result)
    finally:
        srv.stop()
    return figures


# -- snapshot restore and reset racing with traffic ----------------------------------------------

GENERATIONS = ("A", "B")
ITEMS = 12


def _fill(srv: ServerProcess, gen: str) -> None:
    s3, ddb, sqs = srv.client("s3"), srv.client("dynamodb"), srv.client("sqs")
    s3.create_bucket(Bucket="race-bucket")
    create_table(ddb, "race")
    for i in range(ITEMS):
        ddb.put_item(TableName="race", Item={"pk": {"S": f"k{i}"}, "gen": {"S": gen}})
        s3.put_object(Bucket="race-bucket", Key=f"{gen}/{i}", Body=gen.encode())
    sqs.create_queue(QueueName=f"race-{gen}")


def snapshot_race(
    servers: list[ServerProcess],
    seconds: float,
    readers_per_server: int = 2,
    cli_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Restore snapshots A and B (and reset) through one server's admin API while clients of
    every server read and write. Every read sees A, B or the empty state, never a mixture;
    no request fails (a write to a bucket a reset just removed gets a clean 4xx)."""
    admin = servers[0]
    for gen in GENERATIONS:
        assert admin.admin("POST", "/_awsmock/reset")[0] == 200
        _fill(admin, gen)
        status, body = admin.admin(
            "POST",
            "/_awsmock/snapshots",
            f'{{"name": "race-{gen}"}}'.encode(),
            {"Content-Type": "application/json"},
        )
        assert status in (201, 409), body
    stop = threading.Event()
    seen: Counter[str] = Counter()
    problems: list[str] = []
    lock = threading.Lock()

    def note(what: str) -> None:
        with lock:
            seen[what] += 1

    def reader(srv: ServerProcess) -> None:
        ddb, s3, sqs = srv.client("dynamodb"), srv.client("s3"), srv.client("sqs")
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if n % 4 == 3:  # a write racing the restores: lands in the state it met, or a clean 4xx
                    s3.put_object(Bucket="race-bucket", Key=f"w/{threading.get_ident()}-{n}", Body=b"w")
                    note("write")
                elif n % 3 == 0:
                    listed = s3.list_objects_v2(Bucket="race-bucket").get("Contents", [])
                    keys = [o["Key"] for o in listed if not o["Key"].startswith("w/")]
                    gens = {k.split("/")[0] for k in keys}
                    if len(gens) > 1 or (gens and len(keys) != ITEMS):
                        problems.append(f"S3 listing mixes states: {sorted(keys)}")
                    note("s3:" + "".join(sorted(gens)))
                elif n % 3 == 1:
                    items = ddb.scan(TableName="race", ConsistentRead=True)["Items"]
                    gens = {it["gen"]["S"] for it in items}
                    if len(gens) > 1 or (gens and len(items) != ITEMS):
                        problems.append(f"DynamoDB scan mixes states: {sorted(gens)} x {len(items)}")
                    note("ddb:" + "".join(sorted(gens)))
                else:
                    urls = sqs.list_queues().get("QueueUrls", [])
                    names = sorted(u.rsplit("/", 1)[1] for u in urls if "race-" in u)
                    if len(names) > 1:
                        problems.append(f"SQS queues of two states: {names}")
                    note("sqs:" + ",".join(names))
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if status >= 500 or is_db_error(exc):
                    problems.append(f"{exc.operation_name}: {status} {exc.response.get('Error')}")
                note("missing:" + code)  # the table/bucket is gone: the reset (empty) state
            except Exception as exc:
                problems.append(f"transport: {exc!r}")

    restores = Counter[str]()

    def restorer() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            if i % 5 == 0:
                status, body = admin.admin("POST", "/_awsmock/reset")
                what = "reset"
            else:
                what = GENERATIONS[i % 2]
                status, body = admin.admin("POST", f"/_awsmock/snapshots/race-{what}/restore")
            if status != 200:
                problems.append(f"{what}: {status} {body[:300]!r}")
            restores[what] += 1

    threads = [
        threading.Thread(target=reader, args=(srv,)) for srv in servers for _ in range(readers_per_server)
    ]
    threads.append(threading.Thread(target=restorer))
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(60)
    assert not problems, "\n".join(problems[:20])
    return {"restores": dict(restores), "reads": sum(seen.values()), "seen": dict(seen)}


# -- SQS exactly once, DynamoDB serialization, several servers on one file ---------------------------


def sqs_exactly_once(
    servers: list[ServerProcess], messages: int, consumers_per_server: int = 3, visibility: int = 60
) -> dict[str, Any]:
    """Producers on every server send ``messages``; consumers on every server receive and delete.
    Within the visibility timeout nothing arrives twice; at the end nothing is missing."""
    url = (
        servers[0]
        .client("sqs")
        .create_queue(
            QueueName=f"once-{random.randrange(10**9)}", Attributes={"VisibilityTimeout": str(visibility)}
        )["QueueUrl"]
    )
    bodies = [f"msg-{i}" for i in range(messages)]
    problems: list[str] = []
    received: list[tuple[str, float]] = []
    lock = threading.Lock()
    done = threading.Event()
    sent = threading.Event()

    def produce(idx: int) -> None:
        client = servers[idx % len(servers)].client("sqs")
        mine = bodies[idx :: len(servers) * 2]
        for start in range(0, len(mine), 10):
            chunk = mine[start : start + 10]
            res = client.send_message_batch(
                QueueUrl=url, Entries=[{"Id": str(k), "MessageBody": b} for k, b in enumerate(chunk)]
            )
            if res.get("Failed"):
                problems.append(f"send failed: {res['Failed']}")

    def consume(srv: ServerProcess) -> None:
        client = srv.client("sqs")
        deadline = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < deadline:
            try:
                msgs = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            except ClientError as exc:
                problems.append(f"receive: {exc.response.get('Error')}")
                continue
            batch = msgs.get("Messages", [])
            if not batch:
                if sent.is_set() and len({b for b, _ in received}) >= messages:
                    done.set()
                continue
            now = time.monotonic()
            with lock:
                received.extend((m["Body"], now) for m in batch)
                if len({b for b, _ in received}) >= messages:
                    done.set()
            res = client.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(batch)],
            )
            if res.get("Failed"):
                problems.append(f"delete failed: {res['Failed']}")

    with ThreadPoolExecutor(len(servers) * (consumers_per_server + 2)) as pool:
        cons = [pool.submit(consume, srv) for srv in servers for _ in range(consumers_per_server)]
        prods = [pool.submit(produce, i) for i in range(len(servers) * 2)]
        for f in prods:
            f.result()
        sent.set()
        for f in cons:
            f.result()
    by_body: dict[str, list[float]] = defaultdict(list)
    for b, t in received:
        by_body[b].append(t)
    twice = {b: ts for b, ts in by_body.items() if len(ts) > 1 and max(ts) - min(ts) < visibility}
    missing = set(bodies) - set(by_body)
    if twice:
        problems.append(
            f"{len(twice)} messages delivered twice within the visibility timeout: {list(twice)[:5]}"
        )
    if missing:
        problems.append(f"{len(missing)} messages lost: {sorted(missing)[:5]}")
    assert not problems, "\n".join(problems[:20])
    return {"messages": messages, "received": len(received), "consumers": consumers_per_server * len(servers)}


INPROCESS_INCREMENTER = """
import sys, boto3
from awsmock import mock_aws
with mock_aws(data_dir=sys.argv[1]):
    client = boto3.client("dynamodb", region_name="us-east-1")
    for _ in range(int(sys.argv[3])):
        client.update_item(TableName=sys.argv[2], Key={"pk": {"S": "counter"}}, UpdateExpression="ADD n :one",
                           ExpressionAttributeValues={":one": {"N": "1"}})
"""


def ddb_serialization(
    servers: list[ServerProcess], threads_per_server: int, rounds: int, process_increments: int = 0
) -> dict[str, Any]:
    """Atomic counters and optimistic locking from threads on every server (and, with
    ``process_increments``, a separate Python process using ``mock_aws(data_dir=…)`` in-process on
    the same file): the counter equals the number of increments, the locked item's version
    equals the number of winners."""
    table = f"ser{random.randrange(10**9)}"
    setup = servers[0].client("dynamodb")
    create_table(setup, table)
    setup.put_item(TableName=table, Item={"pk": {"S": "lock"}, "version": {"N": "0"}})
    problems: list[str] = []
    proc = None
    if process_increments:
        env = {k: v for k, v in os.environ.items() if k != "AWSMOCK_DATABASE_URL"}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                INPROCESS_INCREMENTER,
                str(servers[0].data_dir),
                table,
                str(process_increments),
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )

    def work(srv: ServerProcess) -> int:
        client = srv.client("dynamodb")
        wins = 0
        for _ in range(rounds):
            try:
                client.update_item(
                    TableName=table,
                    Key={"pk": {"S": "counter"}},
                    UpdateExpression="ADD n :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )
                version = client.get_item(TableName=table, Key={"pk": {"S": "lock"}}, ConsistentRead=True)[
                    "Item"
                ]["version"]["N"]
                client.update_item(
                    TableName=table,
                    Key={"pk": {"S": "lock"}},
                    UpdateExpression="SET version = version + :one",
                    ConditionExpression="version = :v",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"N": version}},
                )
                wins += 1
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    problems.append(f"{exc.operation_name}: {exc.response.get('Error')}")
        return wins

    workers = [srv for srv in servers for _ in range(threads_per_server)]
    with ThreadPoolExecutor(len(workers)) as pool:
        wins = sum(pool.map(work, workers))
    if proc is not None:
        _out, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            problems.append(f"in-process incrementer failed: {err[-2000:]}")
    counter = int(setup.get_item(TableName=table, Key={"pk": {"S": "counter"}})["Item"]["n"]["N"])
    version = int(setup.get_item(TableName=table, Key={"pk": {"S": "lock"}})["Item"]["version"]["N"])
    expected = len(workers) * rounds + process_increments
    if counter != expected:
        problems.append(f"counter {counter}, expected {expected}: increments lost")
    if version != wins:
        problems.append(f"version {version} but {wins} conditional writes won")
    assert not problems, "\n".join(problems[:20])
    return {"increments": counter, "optimistic_wins": wins, "attempts": len(workers) * rounds}
