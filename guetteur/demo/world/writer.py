"""Streaming JSON Lines output: one object per line, UTF-8, compact, keys in the order given."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any


def dumps(record: dict[str, Any]) -> str:
    """One JSON line (no trailing newline)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class JsonlFiles:
    """Several JSON Lines files open for writing at once, counting their lines."""

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._stack = ExitStack()
        self._handles: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = {}
        for name in names:
            path = folder / f"{name}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handles[name] = self._stack.enter_context(
                path.open("w", encoding="utf-8", newline="\n")
            )
            self.counts[name] = 0

    def write(self, name: str, record: dict[str, Any]) -> None:
        """Append one line to file `name`."""
        self._handles[name].write(dumps(record) + "\n")
        self.counts[name] += 1

    def write_all(self, name: str, records: Iterable[dict[str, Any]]) -> None:
        """Append many lines to file `name`."""
        for record in records:
            self.write(name, record)

    def __enter__(self) -> JsonlFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
