"""Serving stored images (from the content-addressed media store) to pages that may show them."""

from __future__ import annotations

import re

from starlette.responses import FileResponse

from guetteur.config import Settings
from guetteur.errors import NotFound
from guetteur.interchange.media import media_path

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_AGE_SECONDS = 24 * 3600


def image_response(settings: Settings, sha256: str | None) -> FileResponse:
    """The stored image with this SHA-256; NotFound when it is absent or the digest is bad."""
    if not sha256 or not SHA256.match(sha256):
        raise NotFound("no such image")
    path = media_path(settings, sha256)
    if not path.is_file():
        raise NotFound("no such image")
    return FileResponse(
        path,
        media_type=_media_type(path.read_bytes()[:12]),
        headers={"Cache-Control": f"private, max-age={MAX_AGE_SECONDS}, immutable"},
    )


def _media_type(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"GIF8"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
