"""Domain errors that carry the form field they belong to."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A rule refused the request; ``field`` names the form field to show it beside.

    ``message`` is a lazy translatable string, rendered in the reader's language.
    """

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        #: Every ``(field, message)`` pair; one here, several in ``FieldErrors``.
        self.errors: list[tuple[str | None, str]] = [(field, message)]


class FieldErrors(DomainError):
    """Several rules failed at once; each ``(field, message)`` goes beside its field."""

    def __init__(self, errors: Iterable[tuple[str | None, str]]) -> None:
        pairs = list(errors)
        field, message = pairs[0]
        super().__init__(field, message)
        self.errors = pairs


class NotFound(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(None, message)
