"""The two ways a message can be wrong: one we must refuse, answering why, and one we built badly."""

from .vocabulary import ErrorType


class MessageError(Exception):
    """An incoming message refused, with the ISO 18626 error type and value to answer it with."""

    def __init__(self, error_type: ErrorType, error_value: str) -> None:
        super().__init__(f"{error_type}: {error_value}")
        self.error_type = error_type
        self.error_value = error_value


class InvalidMessage(ValueError):
    """A message we built does not validate against the schema: a bug, never sent."""
