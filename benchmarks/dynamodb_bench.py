"""DynamoDB server throughput, awsmock vs moto_server, on the hot paths and a few heavier ones.

    python benchmarks/dynamodb_bench.py [--duration 5] [--connections 8] [--threads 8]
                                        [--workloads get,put,...] [--no-moto] [--items 10000]

Each workload is set up with boto3, then driven by `wrk` with the exact request botocore sends
(the machinery of benchmarks/server_bench.py). Workloads: ``get`` (GetItem by full key),
``put`` (PutItem overwrite), ``update_add`` (UpdateItem ADD counter), ``query`` (10 items of a
partition of ``--items``), ``gsi_query`` (the same through a GSI), ``scan_page`` (Scan Limit 100).
The target is awsmock >= 4x moto_server on get/put/query.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from benchmarks.server_bench import SIMPLE, capture, client, lua_request, run_wrk, start_awsmock, start_moto

TABLE = "ddb-bench"


def setup_table(url: str, items: int) -> Any:
    ddb = client("dynamodb", url)
    try:
        ddb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "Projection": {"ProjectionType": "ALL"},
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                }
            ],
        )
    except Exception:
        return ddb
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "k"}, "sk": {"N": "0"}, "v": {"S": "x" * 100}})
    for start in range(0, items, 25):
        ddb.batch_write_item(
            RequestItems={
                TABLE: [
                    {
                        "PutRequest": {
                            "Item": {
                                "pk": {"S": "big"},
                                "sk": {"N": str(i)},
                                "g": {"S": f"g{i % 10}"},
                                "v": {"S": "v" * 50},
                            }
                        }
                    }
                    for i in range(start, min(start + 25, items))
                ]
            }
        )
    return ddb


def workloads(url: str, items: int) -> dict[str, Callable[[], str]]:
    def simple(call: Callable[[Any], Any]) -> str:
        setup_table(url, items)
        return SIMPLE.replace("REQ", lua_request(capture("dynamodb", url, call)))

    return {
        "get": lambda: simple(
            lambda c: c.get_item(TableName=TABLE, Key={"pk": {"S": "k"}, "sk": {"N": "0"}})
        ),
        "put": lambda: simple(
            lambda c: c.put_item(
                TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "y" * 100}}
            )
        ),
        "update_add": lambda: simple(
            lambda c: c.update_item(
                TableName=TABLE,
                Key={"pk": {"S": "ctr"}, "sk": {"N": "0"}},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
        ),
        "query": lambda: simple(
            lambda c: c.query(
                TableName=TABLE,
                KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                ExpressionAttributeValues={
                    ":p": {"S": "big"},
                    ":a": {"N": str(items // 2)},
                    ":b": {"N": str(items // 2 + 9)},
                },
            )
        ),
        "gsi_query": lambda: simple(
            lambda c: c.query(
                TableName=TABLE,
                IndexName="by-g",
                KeyConditionExpression="g = :g AND sk > :a",
                Limit=10,
                ExpressionAttributeValues={":g": {"S": "g3"}, ":a": {"N": str(items // 2)}},
            )
        ),
        "scan_page": lambda: simple(lambda c: c.scan(TableName=TABLE, Limit=100)),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--workloads", default="all")
    ap.add_argument("--no-moto", action="store_true")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    awsmock, _ = start_awsmock(args.threads, tempfile.mkdtemp(prefix="awsmock-ddb-bench-"), [])
    moto = None if args.no_moto else start_moto()
    results: dict[str, Any] = {}
    try:
        names = (
            list(workloads(awsmock.url, args.items)) if args.workloads == "all" else args.workloads.split(",")
        )
        for name in names:
            row: dict[str, Any] = {}
            for server in (awsmock, moto):
                if server is None:
                    continue
                try:
                    script = workloads(server.url, args.items)[name]()
                    row[server.name] = run_wrk(server.url, script, args.duration, args.connections)
                except Exception as exc:  # a peer that cannot run a workload is reported, not fatal
                    row[server.name] = {"error": repr(exc)[:200]}
            a, m = row.get("awsmock", {}).get("rps"), (row.get("moto") or {}).get("rps")
            row["vs_moto"] = round(a / m, 2) if a and m else None
            results[name] = row
            print(
                f"{name:12s} awsmock {a or 0:8.0f} req/s   moto {m or 0:8.0f} req/s   x{row['vs_moto']}",
                flush=True,
            )
    finally:
        awsmock.stop()
        if moto is not None:
            moto.stop()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
