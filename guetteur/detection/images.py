"""Image signals: perceptual hashes of a listing's pictures against the brands' own pictures.

Each picture is hashed with imagehash's pHash (64 bits, robust to re-encoding, resizing and
small crops) together with the pHash of its mirror image, so a flipped copy of an official photo
is still found. Hashes are cached by the picture's SHA-256 (the media store is content-addressed,
so a cached hash never goes stale). Distances are Hamming distances over 64 bits.
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageOps

from guetteur.interchange.media import FORMATS, MAX_PIXELS

BITS = 64
NO_MATCH = float(BITS)
MATCH_DISTANCE = 10
CROP = 0.06
ImageKey = tuple[int, int]


@dataclass(frozen=True)
class Reference:
    """A brand's own picture: which brand and (for catalogue pictures) which product it shows."""

    sha256: str
    brand_id: str
    product_id: str | None = None


@dataclass(frozen=True)
class ImageMatch:
    """The reference picture nearest to a listing's picture."""

    distance: float
    brand_id: str | None
    product_id: str | None
    exact: bool
    mirrored: bool


NOTHING = ImageMatch(NO_MATCH, None, None, False, False)


def phash_bits(image: Image.Image) -> int:
    """The 64-bit pHash of an image as an integer."""
    flat = imagehash.phash(image).hash.flatten()
    return int("".join("1" if bit else "0" for bit in flat), 2)


def load_rgb(path: Path) -> Image.Image | None:
    """A picture file as RGB, or None when it is missing, unreadable or absurdly large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                return image.convert("RGB")
    except Exception:
        return None


def listing_key(image: Image.Image) -> ImageKey:
    """(pHash, pHash of the mirror image) of a listing's picture."""
    return phash_bits(image), phash_bits(ImageOps.mirror(image))


def crop_variants(image: Image.Image) -> list[int]:
    """pHashes of a reference picture and of its 15 crops by 6 % of one or more sides."""
    width, height = image.size
    dx, dy = round(CROP * width), round(CROP * height)
    hashes = []
    for left, top, right, bottom in itertools.product((0, 1), repeat=4):
        box = (left * dx, top * dy, width - right * dx, height - bottom * dy)
        hashes.append(phash_bits(image.crop(box)))
    return hashes


class ImageHasher:
    """Hashes pictures of the media store by SHA-256, with an optional on-disk cache."""

    def __init__(self, media_dir: Path, cache_file: Path | None = None) -> None:
        self.media_dir = media_dir
        self.cache_file = cache_file
        self._cache: dict[str, list[int] | None] = {}
        self._dirty = False
        if cache_file is not None and cache_file.is_file():
            self._cache = json.loads(cache_file.read_text(encoding="utf-8"))

    def key(self, sha256: str) -> ImageKey | None:
        """(pHash, mirror pHash) of the stored picture (None when missing or unreadable)."""
        found = self._lookup(f"k:{sha256}", sha256, lambda image: list(listing_key(image)))
        return (found[0], found[1]) if found else None

    def variants(self, sha256: str) -> list[int]:
        """The crop-variant pHashes of a stored reference picture (empty when unreadable)."""
        return self._lookup(f"v:{sha256}", sha256, crop_variants) or []

    def _lookup(
        self, name: str, sha256: str, compute: Callable[[Image.Image], list[int]]
    ) -> list[int] | None:
        if name not in self._cache:
            image = load_rgb(self.media_dir / sha256[:2] / sha256)
            self._cache[name] = None if image is None else compute(image)
            self._dirty = True
        return self._cache[name]

    def save(self) -> None:
        """Write the cache file if new pictures were hashed."""
        if self.cache_file is None or not self._dirty:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cache_file.with_name(f"{self.cache_file.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(self._cache), encoding="utf-8")
        os.replace(partial, self.cache_file)
        self._dirty = False


class ReferenceIndex:
    """The brands' own pictures, searchable by Hamming distance of their pHash."""

    def __init__(self, references: Iterable[Reference], variants: Callable[[str], list[int]]):
        rows = [(r, bits) for r in references for bits in variants(r.sha256)]
        self.references = [r for r, _ in rows]
        self.by_sha = {r.sha256: r for r in self.references}
        self.bits = np.array([bits for _, bits in rows], dtype=np.uint64)
        grouped: dict[str, list[int]] = {}
        for row, ref in enumerate(self.references):
            grouped.setdefault(ref.brand_id, []).append(row)
        self.brand_rows = {b: np.array(rows, dtype=np.int64) for b, rows in grouped.items()}

    def nearest(
        self, sha256: str | None, key: ImageKey | None, brand_id: str | None = None
    ) -> tuple[ImageMatch, ImageMatch]:
        """(nearest reference of any brand, nearest of `brand_id`) to a picture or its mirror."""
        if sha256 is not None and sha256 in self.by_sha:
            ref = self.by_sha[sha256]
            exact = ImageMatch(0.0, ref.brand_id, ref.product_id, True, False)
            if brand_id is None or ref.brand_id == brand_id:
                return exact, exact
            return exact, self._nearest(key, self.brand_rows.get(brand_id))
        return self._nearest(key, None), self._nearest(key, self.brand_rows.get(brand_id or ""))

    def _nearest(self, key: ImageKey | None, rows: np.ndarray | None) -> ImageMatch:
        found = self.nearest_row(key, rows)
        if found is None:
            return NOTHING
        row, distance, mirrored = found
        ref = self.references[row]
        return ImageMatch(distance, ref.brand_id, ref.product_id, False, mirrored)

    def nearest_row(
        self, key: ImageKey | None, rows: np.ndarray | None = None
    ) -> tuple[int, float, bool] | None:
        """(row of the nearest reference among `rows` or all, distance, mirrored), if any."""
        if key is None or not len(self.bits) or (rows is not None and not len(rows)):
            return None
        bits = self.bits if rows is None else self.bits[rows]
        straight = np.bitwise_count(bits ^ np.uint64(key[0]))
        flipped = np.bitwise_count(bits ^ np.uint64(key[1]))
        i, j = int(straight.argmin()), int(flipped.argmin())
        mirrored = int(flipped[j]) < int(straight[i])
        best = j if mirrored else i
        distance = float(flipped[j] if mirrored else straight[i])
        return (best if rows is None else int(rows[best])), distance, mirrored


def best_match(pairs: Iterable[tuple[ImageMatch, ImageMatch]]) -> tuple[ImageMatch, ImageMatch]:
    """(nearest reference of any brand, nearest of the listing's brand) over its pictures."""
    any_brand, own = NOTHING, NOTHING
    for nearest_any, nearest_own in pairs:
        if nearest_any.distance < any_brand.distance:
            any_brand = nearest_any
        if nearest_own.distance < own.distance:
            own = nearest_own
    return any_brand, own
