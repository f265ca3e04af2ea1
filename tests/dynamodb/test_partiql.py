"""PartiQL: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


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
