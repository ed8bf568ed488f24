"""A bounded pool of small PNG product pictures, drawn on demand and reused across listings.

Each product has one official picture; counterfeiters reuse it as is or altered (re-encoded,
slightly cropped, mirrored). Honest resellers and fakers also have pictures of their own. Files
are created the first time they are used, so the pool grows with the catalogue, not the listings.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from guetteur.demo.world.model import Brand, Product

SIZE = 64
ALTERATIONS = ("reencoded", "cropped", "mirrored")
Colour = tuple[int, int, int]


def _colour(rng: random.Random, low: int = 0, high: int = 255) -> Colour:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _shape(draw: ImageDraw.ImageDraw, rng: random.Random, colour: Colour) -> None:
    x0, y0 = rng.randint(0, SIZE - 20), rng.randint(0, SIZE - 20)
    x1, y1 = x0 + rng.randint(10, 40), y0 + rng.randint(10, 40)
    kind = rng.randrange(3)
    if kind == 0:
        draw.ellipse((x0, y0, x1, y1), fill=colour)
    elif kind == 1:
        draw.rectangle((x0, y0, x1, y1), fill=colour)
    else:
        points = [(rng.randint(0, SIZE), rng.randint(0, SIZE)) for _ in range(3)]
        draw.polygon(points, fill=colour)


def draw_picture(rng: random.Random, accent: Colour, label: str) -> Image.Image:
    """A small synthetic product shot: a background, a few shapes in the brand colour, a label."""
    image = Image.new("RGB", (SIZE, SIZE), _colour(rng, 170, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 6)):
        colour = accent if rng.random() < 0.5 else _colour(rng, 20, 200)
        _shape(draw, rng, colour)
    if label:
        draw.rectangle((0, SIZE - 14, SIZE, SIZE), fill=accent)
        draw.text((3, SIZE - 13), label[:8], fill=(255, 255, 255), font=ImageFont.load_default())
    return image


def alter(rng: random.Random, image: Image.Image, how: str) -> Image.Image:
    """A re-encoded, slightly cropped or mirrored copy of `image`."""
    if how == "mirrored":
        return ImageOps.mirror(image)
    if how == "cropped":
        left, top = rng.randint(1, 3), rng.randint(1, 3)
        right, bottom = SIZE - rng.randint(1, 3), SIZE - rng.randint(1, 3)
        return image.crop((left, top, right, bottom)).resize(
            (SIZE, SIZE), Image.Resampling.BILINEAR
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(45, 70))
    buffer.seek(0)
    reloaded = Image.open(buffer).convert("RGB")
    return ImageEnhance.Brightness(reloaded).enhance(rng.uniform(0.94, 1.06))


class ImagePool:
    """Writes pictures under `out_dir/images/` and hands back their relative paths."""

    def __init__(self, out_dir: Path, seed: int, generic_size: int) -> None:
        self.folder = out_dir / "images"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.generic_size = generic_size
        self._made: dict[str, str] = {}
        self._official: dict[str, Image.Image] = {}

    @property
    def count(self) -> int:
        """How many files the pool has written."""
        return len(self._made)

    def _rng(self, key: str) -> random.Random:
        return random.Random(f"guetteur-demo:{self.seed}:image:{key}")

    def _save(self, name: str, image: Image.Image) -> str:
        if name not in self._made:
            image.save(self.folder / f"{name}.png", format="PNG")
            self._made[name] = f"images/{name}.png"
        return self._made[name]

    def accent(self, brand_id: str) -> Colour:
        """The brand's colour."""
        return _colour(self._rng(f"accent:{brand_id}"), 10, 160)

    def logo(self, brand: Brand) -> str:
        """The brand's logo picture."""
        name = f"logo-{brand.id}"
        if name in self._made:
            return self._made[name]
        rng = self._rng(name)
        image = Image.new("RGB", (SIZE, SIZE), self.accent(brand.id))
        draw = ImageDraw.Draw(image)
        draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=_colour(rng, 200, 255))
        draw.text(
            (12, 26), brand.name[:7], fill=self.accent(brand.id), font=ImageFont.load_default()
        )
        return self._save(name, image)

    def official(self, product: Product, brand: Brand) -> str:
        """The brand's own picture of a product."""
        name = f"official-{product.id}"
        if name not in self._official:
            self._official[name] = draw_picture(self._rng(name), self.accent(brand.id), brand.name)
        return self._save(name, self._official[name])

    def altered(self, product: Product, brand: Brand, how: str) -> str:
        """The official picture after one alteration."""
        name = f"{how}-{product.id}"
        if name in self._made:
            return self._made[name]
        self.official(product, brand)
        return self._save(
            name, alter(self._rng(name), self._official[f"official-{product.id}"], how)
        )

    def own_photo(self, product: Product, brand: Brand, who: str) -> str:
        """A seller's own picture of a product (`who` is `reseller` or `fake`)."""
        name = f"{who}-{product.id}"
        if name in self._made:
            return self._made[name]
        label = brand.name if who == "reseller" or self._rng(name).random() < 0.5 else ""
        return self._save(name, draw_picture(self._rng(name), self.accent(brand.id), label))

    def generic(self, rng: random.Random) -> str:
        """A picture from the shared pool of unbranded goods and accessories."""
        name = f"generic-{rng.randrange(self.generic_size):04d}"
        if name in self._made:
            return self._made[name]
        prng = self._rng(name)
        return self._save(name, draw_picture(prng, _colour(prng, 10, 200), ""))
