from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_unimplemented_operation_is_a_clean_501(aws_client):
    client = aws_client("lambda")  # (capacity providers are not built yet)
    with pytest.raises(ClientError) as exc:
        client.list_capacity_providers()
    err = exc.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert err["Error"]["Code"] == "NotImplemented"
    assert "ListCapacityProviders" in err["Error"]["Message"]
