"""Images named by interchange files, copied into the media store under their SHA-256.

A path is relative to the folder that holds the file (it may not climb out of it), or an absolute
`file://` URL. `http(s)://` URLs are never fetched: the reference is kept, marked "not fetched".
Every image is size-checked and opened defensively with Pillow (JPEG, PNG, WebP, GIF only,
decompression bombs refused) before it is stored at `media_dir/ab/abcdef...` (its SHA-256).
What a bad image means is the caller's choice: the import makes it a line error for a brand's own
images and products, and only a flag on a listing's image.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from PIL import Image

from guetteur.config import Settings

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000
REMOTE = "remote URL not fetched"


@dataclass(frozen=True)
class ImageRef:
    """One image reference: where it came from, its SHA-256 once stored, or why it is not."""

    source: str
    sha256: str | None = None
    problem: str | None = None

    @property
    def is_remote(self) -> bool:
        return self.problem == REMOTE

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "problem": self.problem}


def media_path(settings: Settings, sha256: str) -> Path:
    """Where the media store keeps the image with this SHA-256."""
    return settings.media_dir / sha256[:2] / sha256


class MediaStore:
    """Stores images for one import run, remembering each path it has already seen."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.max_bytes = settings.max_image_bytes
        self._seen: dict[tuple[str, str], ImageRef] = {}

    def ingest(self, source: str, *, base_dir: Path) -> ImageRef:
        """Store the image `source` names (relative to `base_dir`) and say how it went."""
        key = (str(base_dir), source)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._resolve(source, base_dir=base_dir)
        return found

    def _resolve(self, source: str, *, base_dir: Path) -> ImageRef:
        scheme = urlparse(source).scheme.lower() if "://" in source else ""
        if scheme in ("http", "https"):
            return ImageRef(source, problem=REMOTE)
        if scheme and scheme != "file":
            return ImageRef(source, problem=f"unsupported URL scheme {scheme!r}")
        path = Path(unquote(urlparse(source).path)) if scheme == "file" else base_dir / source
        return self._store(source, path, base_dir=base_dir, absolute=bool(scheme))

    def _store(self, source: str, path: Path, *, base_dir: Path, absolute: bool) -> ImageRef:
        problem = _locate_problem(path, base_dir=base_dir, absolute=absolute)
        if problem is None and path.stat().st_size > self.max_bytes:
            problem = f"larger than {self.max_bytes} bytes"
        if problem is not None:
            return ImageRef(source, problem=problem)
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        target = media_path(self.settings, digest)
        if target.exists():  # only checked images are ever stored
            return ImageRef(source, sha256=digest)
        problem = check_image(data)
        if problem is not None:
            return ImageRef(source, problem=problem)
        _write_once(target, data)
        return ImageRef(source, sha256=digest)


def _locate_problem(path: Path, *, base_dir: Path, absolute: bool) -> str | None:
    if not absolute and not path.resolve().is_relative_to(base_dir.resolve()):
        return "path leaves the folder of the file"
    if not path.is_file():
        return "file not found"
    return None


def check_image(data: bytes) -> str | None:
    """None when `data` is a readable JPEG, PNG, WebP or GIF of sane size, else the problem."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    return "image has too many pixels"
                image.verify()
    except Exception:
        return "not a readable JPEG, PNG, WebP or GIF image"
    return None


def _write_once(target: Path, data: bytes) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)


def store_bytes(settings: Settings, data: bytes, *, source: str) -> ImageRef:
    """Store an uploaded picture (size-checked, opened defensively) under its SHA-256."""
    if len(data) > settings.max_image_bytes:
        return ImageRef(source, problem=f"larger than {settings.max_image_bytes} bytes")
    digest = hashlib.sha256(data).hexdigest()
    target = media_path(settings, digest)
    if target.exists():  # only checked images are ever stored
        return ImageRef(source, sha256=digest)
    problem = check_image(data)
    if problem is not None:
        return ImageRef(source, problem=problem)
    _write_once(target, data)
    return ImageRef(source, sha256=digest)
