"""Reading interchange files: JSON Lines, UTF-8, optionally gzip-compressed (`.jsonl.gz`)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

SUFFIXES = (".jsonl.gz", ".jsonl")
BOM = b"\xef\xbb\xbf"


def file_kind(path: Path) -> str | None:
    """The kind a file holds, from its name (`listings.jsonl.gz` -> `listings`), or None."""
    for suffix in SUFFIXES:
        if path.name.endswith(suffix):
            return path.name.removesuffix(suffix)
    return None


class LineReader:
    """The non-blank lines of one file, numbered from 1 as an editor shows them.

    `position` is how far into the file on disk (compressed bytes for `.gz`) reading has got, for
    progress bars; `sha256` is the hash of the decompressed content once every line was read, so
    a file and its gzipped copy have the same hash.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._raw: BinaryIO = path.open("rb")
        self._text: BinaryIO = (
            gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[assignment]
            if path.name.endswith(".gz")
            else self._raw
        )
        self._hash = hashlib.sha256()

    @property
    def position(self) -> int:
        return self._raw.tell()

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        update = self._hash.update
        for number, line in enumerate(self._text, start=1):
            update(line)
            if number == 1 and line.startswith(BOM):
                line = line[len(BOM) :]
            if line.strip():
                yield number, line

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    def __enter__(self) -> LineReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
