"""The architecture holds (see tests/architecture.py for the rules): imports flow one way, no
import runs in a circle, and the shared layers name no service."""

from __future__ import annotations

from tests import architecture as arch


def test_imports_flow_one_way() -> None:
    broken = [
        f"{imp.source} -> {imp.target} (line {imp.line}): {why}"
        for imp in arch.all_imports()
        if (why := arch.violation(imp)) is not None
    ]
    assert broken == []


def test_no_import_runs_in_a_circle() -> None:
    """Counting imports made inside functions, which would only hide a circle."""
    assert arch.cycles() == []


def test_the_shared_layers_name_no_service() -> None:
    found = [
        mention
        for module, path in arch.module_files().items()
        if arch.layer_of(module) in arch.SHARED_LAYERS and module not in arch.INDEX_MODULES
        for mention in arch.service_mentions(module, path)
    ]
    assert found == []


def test_the_rules_catch_what_they_forbid() -> None:
    """Each rule, shown a breach, says so (a rule that cannot fail holds nothing)."""
    imp = arch.Import
    assert arch.violation(imp("awsmock.api.protocols.rest_xml", "awsmock.services.s3.wire", 1, False, True))
    assert arch.violation(imp("awsmock.services.s3.objects", "awsmock.api.wire", 1, False, False))
    assert arch.violation(imp("awsmock.auth.enforcement", "awsmock.models.iam", 1, False, False))
    assert arch.violation(imp("awsmock.state.store", "awsmock.engine.registry", 1, False, True))
    assert arch.violation(imp("awsmock.services.dynamodb.exports", "awsmock.services.s3.objects", 1, False, False))
    assert arch.violation(imp("awsmock.services.sts.tokens", "awsmock.models.iam", 1, False, False))
    assert arch.violation(imp("awsmock.services.dynamodb.exports", "awsmock.services.s3.internal", 1, False, False)) is None
    assert arch.violation(imp("awsmock.services.s3.objects", "awsmock.engine.errors", 1, False, False)) is None
    words = arch._identifier_words("is_s3")
    assert "s3" in words and "sqs" in arch._identifier_words("_SQS_QUEUE_PATH")
    assert "dynamodb" in arch._identifier_words("DynamoDBTable") or "dynamo" in arch._identifier_words("DynamoDBTable")
