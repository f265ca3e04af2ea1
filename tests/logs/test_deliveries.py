"""Vended-log deliveries: sources, destinations, deliveries, conflicts and destination policies."""

from __future__ import annotations

import json
from typing import Any

from tests.logs.conftest import error_of

ACCOUNT = "123456789012"


def test_sources_destinations_and_deliveries(logs: Any) -> None:
    resource = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/KB1"
    src = logs.put_delivery_source(
        name="kb", resourceArn=resource, logType="APPLICATION_LOGS", tags={"a": "b"}
    )
    assert src["deliverySource"]["service"] == "bedrock"
    assert src["deliverySource"]["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:kb"
    other = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/KB2"
    code, _ = error_of(
        lambda: logs.put_delivery_source(name="kb", resourceArn=other, logType="APPLICATION_LOGS")
    )
    assert code == "ConflictException"
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:vended"
    dest = logs.put_delivery_destination(
        name="to-cwl", deliveryDestinationConfiguration={"destinationResourceArn": group}
    )["deliveryDestination"]
    assert (dest["deliveryDestinationType"], dest["outputFormat"]) == ("CWL", "json")
    code, _ = error_of(
        lambda: logs.put_delivery_destination(
            name="bad",
            deliveryDestinationType="S3",
            deliveryDestinationConfiguration={"destinationResourceArn": group},
        )
    )
    assert code == "ValidationException"
    delivery = logs.create_delivery(deliverySourceName="kb", deliveryDestinationArn=dest["arn"])["delivery"]
    assert delivery["deliveryDestinationType"] == "CWL" and delivery["id"].isalnum()
    code, _ = error_of(
        lambda: logs.create_delivery(deliverySourceName="kb", deliveryDestinationArn=dest["arn"])
    )
    assert code == "ConflictException"
    code, _ = error_of(
        lambda: logs.create_delivery(deliverySourceName="nope", deliveryDestinationArn=dest["arn"])
    )
    assert code == "ResourceNotFoundException"
    assert logs.get_delivery(id=delivery["id"])["delivery"]["deliverySourceName"] == "kb"
    assert [d["id"] for d in logs.describe_deliveries()["deliveries"]] == [delivery["id"]]
    assert error_of(lambda: logs.delete_delivery_source(name="kb"))[0] == "ConflictException"
    assert error_of(lambda: logs.delete_delivery_destination(name="to-cwl"))[0] == "ConflictException"
    logs.tag_resource(resourceArn=delivery["arn"], tags={"x": "1"})
    assert logs.list_tags_for_resource(resourceArn=delivery["arn"])["tags"] == {"x": "1"}
    logs.delete_delivery(id=delivery["id"])
    logs.delete_delivery_source(name="kb")
    assert logs.describe_delivery_sources()["deliverySources"] == []
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    logs.put_delivery_destination_policy(deliveryDestinationName="to-cwl", deliveryDestinationPolicy=policy)
    got = logs.get_delivery_destination_policy(deliveryDestinationName="to-cwl")["policy"]
    assert got["deliveryDestinationPolicy"] == policy
    logs.delete_delivery_destination_policy(deliveryDestinationName="to-cwl")
    assert logs.get_delivery_destination_policy(deliveryDestinationName="to-cwl")["policy"] == {}
    logs.delete_delivery_destination(name="to-cwl")
    assert error_of(lambda: logs.get_delivery_destination(name="to-cwl"))[0] == "ResourceNotFoundException"
