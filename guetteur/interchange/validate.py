"""The first pass of an import: every line of a file checked, every problem collected.

A line is checked against its kind's schema, for a duplicate identity earlier in the file, for
references to ids the store does not hold (looked up in chunks), and for its images. Nothing is
written to the database here; images that pass are already copied into the media store, which is
harmless (content-addressed) even when the file is then rejected.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from guetteur.errors import FieldError
from guetteur.interchange.kinds import Kind
from guetteur.interchange.media import MediaStore
from guetteur.interchange.reader import LineReader
from guetteur.interchange.schemas import Record

if TYPE_CHECKING:
    from guetteur.interchange.service import Progress

REFERENCE_CHUNK = 5000
PROGRESS_EVERY = 2000
LINE = "(line)"


@dataclass
class Validation:
    """The outcome of the first pass over one file."""

    rows: int = 0
    sha256: str = ""
    images_flagged: int = 0
    errors: list[FieldError] = field(default_factory=list)


def field_name(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a field path: `images[0]`, `address.country`."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or LINE


def line_errors(exc: ValidationError, *, file: str, line: int) -> list[FieldError]:
    """One FieldError per problem pydantic found on a line."""
    errors = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        kind, message = err["type"], err["msg"]
        if kind == "json_invalid":
            field_, message = LINE, "not valid JSON: " + message.removeprefix("Invalid JSON: ")
        elif kind == "model_type" and not err["loc"]:
            field_, message = LINE, "not a JSON object"
        else:
            field_, message = field_name(tuple(err["loc"])), message.removeprefix("Value error, ")
        errors.append(FieldError(field_, message, file=file, line=line))
    return errors


class _Checker:
    """Checks the lines of one file, in order, remembering what it needs across lines."""

    def __init__(self, session: Session, kind: Kind, media: MediaStore, path: Path) -> None:
        self.session, self.kind, self.media = session, kind, media
        self.file, self.base_dir = path.name, path.parent
        self.result = Validation()
        self.first_line: dict[Hashable, int] = {}
        self.pending: list[tuple[int, str, str]] = []
        self.known: dict[str, set[str]] = {name: set() for name, _ in kind.references}

    def error(self, line: int, field_: str, message: str) -> None:
        self.result.errors.append(FieldError(field_, message, file=self.file, line=line))

    def line(self, number: int, data: bytes) -> None:
        self.result.rows += 1
        try:
            record = self.kind.schema.model_validate_json(data)
        except ValidationError as exc:
            self.result.errors.extend(line_errors(exc, file=self.file, line=number))
            return
        self._identity(number, record)
        for name, _ in self.kind.references:
            value = getattr(record, name)
            if value not in self.known[name]:
                self.pending.append((number, name, value))
        if len(self.pending) >= REFERENCE_CHUNK:
            self.resolve_references()
        if self.kind.image_field is not None:
            self._images(number, getattr(record, self.kind.image_field))

    def _identity(self, number: int, record: Record) -> None:
        key = self.kind.key(record)
        first = self.first_line.setdefault(key, number)
        if first != number:
            label = self.kind.identity_label
            self.error(number, label, f"duplicate {label}: already on line {first}")

    def _images(self, number: int, sources: list[str]) -> None:
        name = self.kind.image_field
        for index, source in enumerate(sources):
            ref = self.media.ingest(source, base_dir=self.base_dir)
            if ref.problem is None or ref.is_remote:
                continue
            if self.kind.images_must_load:
                self.error(number, f"{name}[{index}]", f"{source}: {ref.problem}")
            else:
                self.result.images_flagged += 1

    def resolve_references(self) -> None:
        for name, exists in self.kind.references:
            wanted = {value for _, ref, value in self.pending if ref == name}
            if wanted:
                self.known[name] |= exists(self.session, wanted)
        for number, name, value in self.pending:
            if value not in self.known[name]:
                self.error(number, name, f"unknown {name.removesuffix('_id')} id {value!r}")
        self.pending.clear()


def validate_file(
    session: Session,
    *,
    path: Path,
    kind: Kind,
    media: MediaStore,
    progress: Progress | None = None,
) -> Validation:
    """Check every line of `path` as a file of `kind`; all problems are in the result."""
    checker = _Checker(session, kind, media, path)
    try:
        with LineReader(path) as reader:
            _read(reader, checker, progress)
            checker.result.sha256 = reader.sha256
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        message = f"cannot read the file: {exc}"
        checker.result.errors.append(FieldError("(file)", message, file=path.name))
    checker.resolve_references()
    checker.result.errors.sort(key=lambda e: e.line or 0)
    return checker.result


def _read(reader: LineReader, checker: _Checker, progress: Any) -> None:
    for number, data in reader:
        checker.line(number, data)
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(
                file=reader.path.name, phase="validate", done=reader.position, total=reader.size
            )
    if progress is not None:
        progress(file=reader.path.name, phase="validate", done=reader.size, total=reader.size)
