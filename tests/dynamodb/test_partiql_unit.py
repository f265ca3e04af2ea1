"""The PartiQL subset parser, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from awsmock.services.dynamodb.errors import DynamoValidation
from awsmock.services.dynamodb.expressions import evaluate
from awsmock.services.dynamodb.partiql import parse

ITEM: dict[str, Any] = {
    "pk": {"S": "a"},
    "n": {"N": "5"},
    "m": {"M": {"k": {"S": "v"}}},
    "l": {"L": [{"N": "1"}]},
}

WHERE = [
    ("pk = 'a'", True),
    ("pk = 'b'", False),
    ("n > 4 AND n < 6", True),
    ("n BETWEEN 1 AND 4", False),
    ("n IN [1, 5]", True),
    ("n IN (1, 2)", False),
    ("NOT n = 5 OR pk <> 'x'", True),
    ("n != 5", False),
    ("m.k = 'v'", True),
    ("m['k'] = 'v'", True),
    ("l[0] = 1", True),
    ("begins_with(pk, 'a')", True),
    ("contains(l, 1)", True),
    ("missing IS MISSING", True),
    ("pk IS NOT MISSING", True),
    ("n = ?", True),
    ("n = -5", False),
    ("(pk = 'a' OR pk = 'b') AND n = 5", True),
]


@pytest.mark.parametrize(("where", "expected"), WHERE)
def test_where(where: str, expected: bool) -> None:
    params = [{"N": "5"}] if "?" in where else None
    st = parse(f'SELECT * FROM "t" WHERE {where}', params)
    assert st.where is not None
    assert evaluate(st.where, ITEM) is expected


def test_statements() -> None:
    st = parse("select a, b.c FROM t.idx", None)
    assert (st.kind, st.table, st.index, st.projection) == ("SELECT", "t", "idx", [("a",), ("b", "c")])
    st = parse(
        "INSERT INTO \"t\" VALUE {'pk': 'it''s', 'n': 1.5e2, 's': <<1, 2>>, 'x': [true, null], 'm': {}}", None
    )
    assert st.item == {
        "pk": {"S": "it's"},
        "n": {"N": "150"},
        "s": {"NS": ["1", "2"]},
        "x": {"L": [{"BOOL": True}, {"NULL": True}]},
        "m": {"M": {}},
    }
    st = parse("UPDATE t SET a = 1, b = b + 2 REMOVE c WHERE pk = 'a' RETURNING MODIFIED NEW *", None)
    assert [a[0] for a in st.actions] == ["SET", "SET", "REMOVE"] and st.returning == "MODIFIED_NEW"
    st = parse("DELETE FROM t WHERE pk = ?;", [{"S": "a"}])
    assert st.kind == "DELETE"


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("SELECT * FROM", None),
        ("SELEC * FROM t", None),
        ("SELECT * FROM t WHERE a = ?", None),
        ("SELECT * FROM t WHERE a = 1", [{"S": "x"}]),
        ("INSERT INTO t VALUE 'x'", None),
        ("UPDATE t WHERE pk = 'a'", None),
        ("SELECT * FROM t WHERE a = 'unterminated", None),
    ],
)
def test_errors(statement: str, params: list[Any] | None) -> None:
    with pytest.raises(DynamoValidation):
        parse(statement, params)
