"""The import: validate every line of a FORMATS file, then apply it whole, or not at all.

A file goes through two passes. The first validates every line (schema, duplicate identity,
references to ids the store does not hold, images) and collects ALL errors; a file with any error
is rejected and nothing of it is written. The second re-reads the file and hands rows, in
chunks, to the owning domain's `ingest` functions, which compare values and write only what
changed. A file whose rows were all unchanged leaves no trace (no import run, no audit entry).
Kinds are applied in dependency order: brands, products, sellers, listings, verdicts, notices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.config import Settings
from guetteur.errors import FieldError, InvalidInput
from guetteur.interchange.bulk import UpsertCounts, chunks
from guetteur.interchange.kinds import KINDS, ORDER, Kind
from guetteur.interchange.media import ImageRef, MediaStore
from guetteur.interchange.models import ImportRun
from guetteur.interchange.reader import LineReader, file_kind
from guetteur.interchange.validate import Validation, validate_file

APPLY_CHUNK = 5000


class Progress(Protocol):
    """Told how far a file has got: `phase` is "validate" or "apply", `done`/`total` in bytes."""

    def __call__(self, *, file: str, phase: str, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class PlannedFile:
    """A file found in the import folder, with the kind it holds and whether it is handled."""

    path: Path
    kind: str
    handled: bool
    problem: str | None = None


@dataclass
class FileReport:
    """What happened to one file: `applied`, `unchanged`, `rejected` or `skipped`."""

    file: str
    kind: str
    status: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    images_flagged: int = 0
    sha256: str = ""
    note: str = ""
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class ImportReport:
    """What happened to every file of one import."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status != "rejected" for f in self.files)

    @property
    def errors(self) -> list[FieldError]:
        return [e for f in self.files for e in f.errors]


def plan(directory: Path) -> list[PlannedFile]:
    """The interchange files in `directory`, in the order they must be applied."""
    if not directory.is_dir():
        raise InvalidInput(f"{directory} is not a folder")
    found: dict[str, list[Path]] = {}
    for path in sorted(directory.iterdir()):
        kind = file_kind(path)
        if kind is not None and path.is_file():
            found.setdefault(kind, []).append(path)
    handled = [k for k in ORDER if k in found]
    others = sorted(k for k in found if k not in KINDS)
    planned: list[PlannedFile] = []
    for kind in [*handled, *others]:
        paths = found[kind]
        problem = None
        if len(paths) > 1:
            problem = f"several files hold {kind}: " + ", ".join(p.name for p in paths)
        planned.append(PlannedFile(paths[0], kind, kind in KINDS, problem))
    return planned


def import_dir(
    session: Session,
    *,
    directory: Path,
    actor: Actor,
    settings: Settings,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every interchange file in `directory` within the caller's transaction."""
    report = ImportReport()
    media = MediaStore(settings)
    for planned in plan(directory):
        report.files.append(
            import_planned(session, planned=planned, actor=actor, media=media, progress=progress)
        )
    return report


def import_file(
    session: Session,
    *,
    path: Path,
    actor: Actor,
    settings: Settings,
    progress: Progress | None = None,
) -> FileReport:
    """Import one interchange file (its kind comes from its name), all of it or nothing."""
    kind = file_kind(path) or path.name
    planned = PlannedFile(path, kind, kind in KINDS)
    media = MediaStore(settings)
    return import_planned(session, planned=planned, actor=actor, media=media, progress=progress)


def import_planned(
    session: Session,
    *,
    planned: PlannedFile,
    actor: Actor,
    media: MediaStore,
    progress: Progress | None = None,
) -> FileReport:
    """Import one planned file, sharing the media store (and its cache) with the other files."""
    name = planned.path.name
    if not planned.handled:
        return FileReport(name, planned.kind, "skipped", note="not handled yet")
    if planned.problem is not None:
        error = FieldError("(file)", planned.problem, file=name)
        return FileReport(name, planned.kind, "rejected", errors=[error])
    kind = KINDS[planned.kind]
    checked = validate_file(session, path=planned.path, kind=kind, media=media, progress=progress)
    report = FileReport(
        name,
        kind.name,
        "rejected" if checked.errors else "unchanged",
        rows=checked.rows,
        sha256=checked.sha256,
        images_flagged=checked.images_flagged,
        errors=checked.errors,
    )
    if checked.errors:
        return report
    counts = _apply(session, path=planned.path, kind=kind, media=media, progress=progress)
    report.inserted, report.updated, report.unchanged = (
        counts.inserted,
        counts.updated,
        counts.unchanged,
    )
    if counts.changed:
        report.status = "applied"
        _record(session, report=report, actor=actor)
    return report


def _apply(
    session: Session, *, path: Path, kind: Kind, media: MediaStore, progress: Progress | None
) -> UpsertCounts:
    counts = UpsertCounts()
    cache: dict[str, Any] = {}
    with LineReader(path) as reader:
        rows = _rows(reader, kind=kind, media=media)
        for batch in chunks(rows, APPLY_CHUNK):
            counts.add(kind.apply(session, batch, cache))
            if progress is not None:
                progress(file=path.name, phase="apply", done=reader.position, total=reader.size)
    return counts


def _rows(reader: LineReader, *, kind: Kind, media: MediaStore) -> Iterator[Any]:
    base_dir = reader.path.parent
    for _number, data in reader:
        record = kind.schema.model_validate_json(data)
        images: list[ImageRef] = []
        if kind.image_field is not None:
            sources = getattr(record, kind.image_field)
            images = [media.ingest(source, base_dir=base_dir) for source in sources]
        yield kind.to_row(record, images)


def _record(session: Session, *, report: FileReport, actor: Actor) -> None:
    run = ImportRun(
        kind=report.kind,
        file_name=report.file,
        sha256=report.sha256,
        rows=report.rows,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        actor_label=actor.label,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="import.apply",
        object_type=report.kind,
        object_id=str(run.id),
        detail={
            "file": report.file,
            "sha256": report.sha256,
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "images_flagged": report.images_flagged,
        },
    )


__all__ = [
    "FileReport",
    "ImportReport",
    "PlannedFile",
    "Progress",
    "Validation",
    "import_dir",
    "import_file",
    "import_planned",
    "plan",
]
