from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_unimplemented_operation_is_a_clean_501(aws_client):
    client = aws_client("lambda")  # (not built yet)
    with pytest.raises(ClientError) as exc:
        client.list_functions()
    err = exc.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert err["Error"]["Code"] == "NotImplemented"
    assert "ListFunctions" in err["Error"]["Message"]
