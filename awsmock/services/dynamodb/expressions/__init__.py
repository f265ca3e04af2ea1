"""DynamoDB's expression language: tokenizer, parser (to tuples), evaluator and update actions."""

from .evaluator import evaluate, project, resolve
from .parser import ExpressionContext, Parser, parse_condition, parse_projection, parse_update

__all__ = [
    "ExpressionContext",
    "Parser",
    "evaluate",
    "parse_condition",
    "parse_projection",
    "parse_update",
    "project",
    "resolve",
]
