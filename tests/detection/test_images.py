from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from guetteur.detection.images import (
    MATCH_DISTANCE,
    ImageHasher,
    Reference,
    ReferenceIndex,
    listing_key,
)


def picture(seed: int, size: int = 256) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), (rng.randint(150, 255),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x0, y0 = rng.randint(0, size - 60), rng.randint(0, size - 60)
        box = (x0, y0, x0 + rng.randint(30, 120), y0 + rng.randint(30, 120))
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return image


def store(media: Path, image: Image.Image, name: str, fmt: str = "PNG", **kw: int) -> str:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kw)
    sha = f"{name:0<64}"[:64]
    (media / sha[:2]).mkdir(parents=True, exist_ok=True)
    (media / sha[:2] / sha).write_bytes(buffer.getvalue())
    return sha


def index_of(
    tmp_path: Path, references: dict[str, Image.Image]
) -> tuple[ImageHasher, ReferenceIndex]:
    hasher = ImageHasher(tmp_path, tmp_path / "cache.json")
    refs = [
        Reference(store(tmp_path, img, name), f"brand-{name}") for name, img in references.items()
    ]
    return hasher, ReferenceIndex(refs, hasher.variants)


def test_altered_copies_match_their_reference(tmp_path: Path) -> None:
    references = {f"r{i}": picture(i) for i in range(12)}
    hasher, index = index_of(tmp_path, references)
    original = references["r3"]
    w, h = original.size
    altered = {
        "reencoded": (original, "JPEG", {"quality": 40}),
        "cropped": (original.crop((10, 8, w - 6, h - 12)).resize((w, h)), "PNG", {}),
        "mirrored": (ImageOps.mirror(original), "PNG", {}),
        "smaller": (original.resize((180, 180)), "WEBP", {}),
    }
    for name, (image, fmt, kw) in altered.items():
        sha = store(tmp_path, image, f"alt{name}", fmt, **kw)
        nearest, own = index.nearest(sha, hasher.key(sha), "brand-r3")
        assert nearest.brand_id == "brand-r3", name
        assert own.distance <= MATCH_DISTANCE, (name, own)
        assert not own.exact
    mirrored = store(tmp_path, ImageOps.mirror(original), "altmirrored")
    assert index.nearest(mirrored, hasher.key(mirrored), "brand-r3")[1].mirrored


def test_the_same_file_is_an_exact_match_and_others_are_far(tmp_path: Path) -> None:
    references = {f"r{i}": picture(i) for i in range(12)}
    hasher, index = index_of(tmp_path, references)
    same = next(iter(index.by_sha))
    assert index.nearest(same, hasher.key(same), None)[0].exact
    for seed in range(100, 110):
        key = listing_key(picture(seed))
        assert index.nearest(None, key, None)[0].distance > MATCH_DISTANCE


def test_unreadable_pictures_and_the_cache(tmp_path: Path) -> None:
    sha = "ab" + "0" * 62
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / sha).write_bytes(b"not an image")
    hasher = ImageHasher(tmp_path, tmp_path / "cache.json")
    assert hasher.key(sha) is None
    assert hasher.key("cd" + "0" * 62) is None
    good = store(tmp_path, picture(1), "good")
    key = hasher.key(good)
    hasher.save()
    assert ImageHasher(tmp_path, tmp_path / "cache.json").key(good) == key
