"""Typed errors raised by services and turned into clear messages at the edges (CLI, HTTP)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of one input line (or request)."""

    field: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.field}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class GuetteurError(Exception):
    """Base of every error a user can be shown."""

    code = "error"
    http_status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(GuetteurError):
    code = "not_found"
    http_status = 404


class Forbidden(GuetteurError):
    code = "forbidden"
    http_status = 403


class Unauthorized(GuetteurError):
    code = "unauthorized"
    http_status = 401


class Conflict(GuetteurError):
    code = "conflict"
    http_status = 409


class InvalidInput(GuetteurError):
    """Bad input; carries every field error found, not only the first."""

    code = "invalid_input"
    http_status = 422

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []

    def __str__(self) -> str:
        if not self.errors:
            return self.detail
        lines = [self.detail, *(f"  {e}" for e in self.errors[:50])]
        if len(self.errors) > 50:
            lines.append(f"  ... and {len(self.errors) - 50} more")
        return "\n".join(lines)
