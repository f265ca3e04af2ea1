"""EventBridge's errors: the model's shapes (code, status and fault from botocore), in AWS's
words; ``ValidationException``, which the model does not carry, by hand."""

from __future__ import annotations

from awsmock.engine.errors import AwsError, ModeledError


class EventsError(ModeledError, service="events"):
    pass


class ResourceNotFoundException(EventsError):
    pass


class ResourceAlreadyExistsException(EventsError):
    pass


class InvalidEventPatternException(EventsError):
    pass


class LimitExceededException(EventsError):
    default_message = "The requested resource exceeds the maximum number allowed."


class ManagedRuleException(EventsError):
    pass


class IllegalStatusException(EventsError):
    pass


class InvalidStateException(EventsError):
    pass


class PolicyLengthExceededException(EventsError):
    pass


class ConcurrentModificationException(EventsError):
    pass


class ValidationException(AwsError):
    code = "ValidationException"
    status = 400


def validation(message: str) -> ValidationException:
    return ValidationException(message)


def constraint(value: object, member: str, rule: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    )


def bus_not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Event bus {name} does not exist.")


def rule_not_found(name: str, bus: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Rule {name} does not exist on EventBus {bus}.")
