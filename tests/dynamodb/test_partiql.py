"""PartiQL: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import key_schema


@pytest.fixture
def table(make_table: Any) -> str:
    return make_table(range=("sk", "N"))


def test_insert_select_update_delete(ddb: Any, table: str) -> None:
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 1, 'tags': <<'x', 'y'>>, "
        "'doc': {'n': [1, 'two', true, null]}}"
    )
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': ?, 'v': ?}}",
        Parameters=[{"S": "a"}, {"N": "2"}, {"S": "it's"}],
    )
    with pytest.raises(ClientError) as err:
        ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a', 'sk': 1}}")
    assert err.value.response["Error"]["Code"] == "DuplicateItemException"
    out = ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1")
    item = out["Items"][0]
    assert sorted(item["tags"]["SS"]) == ["x", "y"]
    assert item["doc"] == {"M": {"n": {"L": [{"N": "1"}, {"S": "two"}, {"BOOL": True}, {"NULL": True}]}}}
    out = ddb.execute_statement(
        Statement=f'SELECT v, sk FROM "{table}" WHERE pk = ? AND sk > 1', Parameters=[{"S": "a"}]
    )
    assert out["Items"] == [{"v": {"S": "it's"}, "sk": {"N": "2"}}]
    out = ddb.execute_statement(
        Statement=f"UPDATE \"{table}\" SET v = 'new' SET n = 5 REMOVE tags "
        "WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"
    )
    assert out["Items"][0]["v"] == {"S": "new"} and "tags" not in out["Items"][0]
    ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET n = n + 1 WHERE pk = 'a' AND sk = 1")
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert got["n"] == {"N": "6"}
    with pytest.raises(ClientError) as err:
        ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'zz' AND sk = 1")
    assert err.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as err:
        ddb.execute_statement(Statement=f"UPDATE \"{table}\" SET n = 1 WHERE pk = 'a'")
    assert err.value.response["Error"]["Code"] == "ValidationException"
    ddb.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'a' AND sk = 2")
    out = ddb.execute_statement(Statement=f'SELECT * FROM "{table}"')
    assert len(out["Items"]) == 1


def test_select_paging_and_filters(ddb: Any, table: str) -> None:
    for i in range(7):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "odd": {"BOOL": i % 2 == 1}}
        )
    out = ddb.execute_statement(Statement=f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND odd = true")
    assert [i["sk"]["N"] for i in out["Items"]] == ["1", "3", "5"]
    out = ddb.execute_statement(Statement=f'SELECT * FROM "{table}" WHERE sk IN [1, 2] OR sk BETWEEN 5 AND 6')
    assert sorted(i["sk"]["N"] for i in out["Items"]) == ["1", "2", "5", "6"]
    seen: list[str] = []
    token = None
    while True:
        kw: dict[str, Any] = {"NextToken": token} if token else {}
        out = ddb.execute_statement(Statement=f"SELECT sk FROM \"{table}\" WHERE pk = 'p'", Limit=3, **kw)
        seen += [i["sk"]["N"] for i in out["Items"]]
        token = out.get("NextToken")
        if not token:
            break
    assert seen == [str(i) for i in range(7)]


def test_batch_execute_and_transaction(ddb: Any, table: str) -> None:
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 1}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 2}}"},
            {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 1}}"},
        ]
    )["Responses"]
    assert "Error" not in out[0] and "Error" not in out[1]
    assert out[2]["Error"]["Code"] == "DuplicateItem"
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'b' AND sk = 1"},
            {"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'b' AND sk = 9"},
        ]
    )["Responses"]
    assert out[0]["Item"]["sk"] == {"N": "1"} and "Item" not in out[1]
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 3}}")
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"UPDATE \"{table}\" SET v = 1 WHERE pk = 'b' AND sk = 1"},
            {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'b' AND sk = 2"},
        ]
    )
    with pytest.raises(ClientError) as err:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'b' AND sk = 1"},
                {"Statement": f"INSERT INTO \"{table}\" VALUE {{'pk': 'b', 'sk': 3}}"},
            ]
        )
    assert err.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in err.value.response["CancellationReasons"]] == ["None", "DuplicateItem"]
    out = ddb.execute_transaction(
        TransactStatements=[{"Statement": f"SELECT * FROM \"{table}\" WHERE pk = 'b' AND sk = 1"}]
    )
    assert out["Responses"][0]["Item"]["v"] == {"N": "1"}


def test_select_order_by_the_sort_key_within_a_partition(ddb: Any, make_table: Any) -> None:
    table = make_table(
        range=("sk", "N"),
        extra_attributes=[("g", "S"), ("gs", "N")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": key_schema("g", "gs"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for i in range(7):
        item = {"pk": {"S": "p"}, "sk": {"N": str(i)}, "g": {"S": "g"}, "gs": {"N": str(10 - i)}}
        ddb.put_item(TableName=table, Item=item)
    ddb.put_item(TableName=table, Item={"pk": {"S": "other"}, "sk": {"N": "3"}})

    def sks(statement: str, **kw: Any) -> list[int]:
        return [int(i["sk"]["N"]) for i in ddb.execute_statement(Statement=statement, **kw)["Items"]]

    base = f"SELECT * FROM \"{table}\" WHERE pk = 'p'"
    assert sks(base + " ORDER BY sk DESC") == [6, 5, 4, 3, 2, 1, 0]
    assert sks(base + " ORDER BY sk ASC") == sks(base + " ORDER BY sk") == list(range(7))
    assert sks(base + " AND sk > 2 ORDER BY sk DESC") == [6, 5, 4, 3]
    assert sks(f'SELECT * FROM "{table}"."by-g" WHERE g = \'g\' ORDER BY gs DESC') == list(range(7))
    first = ddb.execute_statement(Statement=base + " ORDER BY sk DESC", Limit=3)  # pages keep the order
    rest = ddb.execute_statement(Statement=base + " ORDER BY sk DESC", NextToken=first["NextToken"])
    assert [int(i["sk"]["N"]) for i in first["Items"] + rest["Items"]] == [6, 5, 4, 3, 2, 1, 0]
    for bad in (f'SELECT * FROM "{table}" ORDER BY sk', base + " ORDER BY v DESC"):
        with pytest.raises(ClientError) as err:
            ddb.execute_statement(Statement=bad)
        assert err.value.response["Error"]["Code"] == "ValidationException"
