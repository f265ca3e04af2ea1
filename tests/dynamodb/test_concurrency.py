"""Two ``awsmock server`` processes sharing one data dir: conditional writes serialize, atomic
counters never lose an increment."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess

from .conftest import key_schema

pytestmark = pytest.mark.server

THREADS_PER_SERVER = 4
ROUNDS = 10


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    a = ServerProcess(tmp_path / "shared").start()
    b = ServerProcess(tmp_path / "shared").start()
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_counters_and_optimistic_locking_across_processes(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_servers
    setup = a.client("dynamodb")
    setup.create_table(
        TableName="c",
        KeySchema=key_schema("pk"),
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    setup.put_item(TableName="c", Item={"pk": {"S": "lock"}, "version": {"N": "0"}, "wins": {"N": "0"}})
    clients = [srv.client("dynamodb") for srv in (a, b) for _ in range(THREADS_PER_SERVER)]

    def work(client: Any) -> int:
        wins = 0
        for _ in range(ROUNDS):
            client.update_item(
                TableName="c",
                Key={"pk": {"S": "counter"}},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            current = client.get_item(TableName="c", Key={"pk": {"S": "lock"}}, ConsistentRead=True)["Item"]
            version = current["version"]["N"]
            try:
                client.update_item(
                    TableName="c",
                    Key={"pk": {"S": "lock"}},
                    UpdateExpression="SET version = version + :one, wins = wins + :one",
                    ConditionExpression="version = :v",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":v": {"N": version}},
                )
                wins += 1
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "ConditionalCheckFailedException"
        return wins

    with ThreadPoolExecutor(len(clients)) as pool:
        wins = sum(pool.map(work, clients))
    counter = setup.get_item(TableName="c", Key={"pk": {"S": "counter"}})["Item"]["n"]["N"]
    assert counter == str(len(clients) * ROUNDS)
    lock = b.client("dynamodb").get_item(TableName="c", Key={"pk": {"S": "lock"}})["Item"]
    assert lock["version"]["N"] == lock["wins"]["N"] == str(wins)
    assert wins >= 1
