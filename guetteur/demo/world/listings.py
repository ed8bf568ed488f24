"""One listing at a time: what each kind of seller writes, what each counterfeit tactic is."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from guetteur.demo.world import text
from guetteur.demo.world.brands import gtin_check_digit
from guetteur.demo.world.images import ALTERATIONS, ImagePool
from guetteur.demo.world.model import Brand, Product, Seller, iso

RATES = {"EUR": 1.0, "GBP": 0.85, "USD": 1.08}


@dataclass
class Draft:
    """A listing before it gets its id, seller and time."""

    title: str
    description: str
    brand: str | None
    category: str
    price: float
    images: list[str]
    quantity: int
    gtin: str | None
    product: Product | None = None
    label: str = "genuine"
    tactic: str | None = None
    obfuscation: str | None = None
    image_sources: list[str] = field(default_factory=list)
    ships_from: str | None = None


class ListingMaker:
    """Writes listings for sellers, using the brands' catalogues and the image pool."""

    def __init__(self, rng: random.Random, brands: list[Brand], pool: ImagePool) -> None:
        self.rng = rng
        self.brands = brands
        self.pool = pool
        self.honest: dict[str, Callable[[Seller], Draft]] = {
            "official": self._authorised,
            "authorised": self._authorised,
            "reseller": self._reseller,
            "hijacked": self._reseller,
            "new_honest": self._second_hand,
            "grey": self._grey,
            "clearance": self._clearance,
            "accessory": self._accessory,
            "generic": self._generic,
            "ring": self._generic,
            "lone": self._generic,
        }
        self.fakes: dict[str, Callable[[Seller], Draft]] = {
            "blatant": self._blatant,
            "obfuscated": self._obfuscated,
            "super_fake": self._super_fake,
            "quiet": self._quiet,
            "hijacked": self._hijacked,
        }

    # --- entry point ------------------------------------------------------------------------

    def make(
        self, seller: Seller, moment: datetime, listing_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The listing record (FORMATS.md) and its truth row."""
        draft = self._draft(seller, moment)
        rate = RATES.get(seller.currency, 1.0)
        record = {
            "id": listing_id,
            "seller_id": seller.id,
            "created_at": iso(moment),
            "title": draft.title[:300],
            "description": draft.description,
            "brand": draft.brand,
            "category": draft.category,
            "price": shop_price(self.rng, draft.price * rate),
            "currency": seller.currency,
            "images": draft.images,
            "ships_from": draft.ships_from or self.rng.choice(seller.ships_from),
            "quantity": draft.quantity,
            "gtin": draft.gtin,
        }
        truth = {
            "listing_id": listing_id,
            "label": draft.label,
            "tactic": draft.tactic,
            "obfuscation": draft.obfuscation,
            "seller_id": seller.id,
            "seller_kind": seller.kind,
            "ring_id": seller.ring_id if draft.label == "counterfeit" else None,
            "brand_id": self.brands[draft.product.brand_index].id if draft.product else None,
            "product_id": draft.product.id if draft.product else None,
            "image_sources": draft.image_sources,
        }
        return record, truth

    def _draft(self, seller: Seller, moment: datetime) -> Draft:
        if seller.is_counterfeit_at(moment) and seller.brands:
            if seller.kind in {"ring", "lone"} and self.rng.random() < 0.08:
                return self._generic(seller)
            tactic = self.rng.choice(seller.tactics)
            draft = self.fakes[tactic](seller)
            draft.label, draft.tactic = "counterfeit", tactic
            return draft
        if not seller.brands:
            return self._generic(seller)
        return self.honest[seller.kind](seller)

    # --- helpers ----------------------------------------------------------------------------

    def _product(self, seller: Seller) -> tuple[Product, Brand]:
        brand = self.brands[self.rng.choice(seller.brands)]
        return self.rng.choice(brand.products), brand

    def _pictures(self, product: Product, brand: Brand, odds: dict[str, float]) -> Draft:
        """Pick 1-3 pictures by source: official, altered, reseller photo, fake photo."""
        images: list[str] = []
        sources: list[str] = []
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            source = _weighted(self.rng, odds)
            if source == "official":
                path = self.pool.official(product, brand)
            elif source == "altered":
                source = self.rng.choice(ALTERATIONS)
                path = self.pool.altered(product, brand, source)
            else:
                path = self.pool.own_photo(product, brand, source)
            if path not in images:
                images.append(path)
                sources.append(source)
        return Draft("", "", None, "", 0.0, images, 0, None, image_sources=sources)

    def _base(self, seller: Seller, odds: dict[str, float], factor: tuple[float, float]) -> Draft:
        product, brand = self._product(seller)
        draft = self._pictures(product, brand, odds)
        draft.product = product
        draft.brand = (
            brand.name
            if self.rng.random() < 0.85
            else self.rng.choice([*brand.aliases, brand.name])
        )
        draft.category = product.category
        draft.price = product.msrp * self.rng.uniform(*factor)
        draft.title = text.styled(self.rng, product.title)
        draft.description = product.description
        return draft

    def _gtin(self, product: Product, odds: dict[str, float]) -> str | None:
        choice = _weighted(self.rng, odds)
        if choice == "copied":
            return product.gtin
        if choice == "invalid":
            body = product.gtin[:-1]
            return body + str((int(gtin_check_digit(body)) + self.rng.randint(1, 9)) % 10)
        if choice == "foreign":
            other = self.rng.choice(self.rng.choice(self.brands).products)
            return other.gtin
        return None

    # --- honest sellers ---------------------------------------------------------------------

    def _authorised(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"official": 0.85, "reseller": 0.15}, (0.93, 1.05))
        assert draft.product is not None
        if self.rng.random() < 0.3:
            draft.title += " - " + self.rng.choice(text.HONEST_HYPE)
        draft.quantity = self.rng.randint(5, 250)
        draft.gtin = self._gtin(draft.product, {"copied": 0.85, "none": 0.15})
        return draft

    def _reseller(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"official": 0.4, "reseller": 0.6}, (0.8, 1.03))
        assert draft.product is not None
        if self.rng.random() < 0.4:
            draft.title += " " + self.rng.choice(text.HONEST_HYPE)
        draft.description = "Bought from an authorised distributor, invoice available. " + (
            draft.description[:200] if self.rng.random() < 0.6 else ""
        )
        draft.quantity = self.rng.randint(1, 30)
        draft.gtin = self._gtin(draft.product, {"copied": 0.55, "none": 0.43, "invalid": 0.02})
        return draft

    def _second_hand(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"reseller": 0.75, "official": 0.25}, (0.45, 0.95))
        draft.title = self.rng.choice(("Used - ", "Like new: ", "Occasion ", "")) + draft.title
        draft.description = self.rng.choice(
            (
                "Used a few times, works perfectly.",
                "Gift, never opened.",
                "Sold because I moved.",
                "",
            )
        )
        draft.quantity = self.rng.randint(1, 2)
        return draft

    def _grey(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"official": 0.5, "reseller": 0.5}, (0.58, 0.86))
        assert draft.product is not None
        if self.rng.random() < 0.5:
            draft.title += " (" + self.rng.choice(text.GREY_WORDS) + ")"
        draft.quantity = self.rng.randint(5, 150)
        draft.gtin = self._gtin(draft.product, {"copied": 0.5, "none": 0.5})
        return draft

    def _clearance(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"official": 0.3, "reseller": 0.7}, (0.3, 0.6))
        assert draft.product is not None
        draft.title = f"{self.rng.choice(text.CLEARANCE_WORDS).upper()} {draft.title}"
        draft.quantity = self.rng.randint(1, 40)
        draft.gtin = self._gtin(draft.product, {"copied": 0.6, "none": 0.4})
        return draft

    def _accessory(self, seller: Seller) -> Draft:
        product, brand = self._product(seller)
        template = self.rng.choice(text.ACCESSORY_TEMPLATES)
        title = template.format(brand=brand.name, model=text.model_words(product.title, brand.name))
        return Draft(
            title=title,
            description=f"Third-party accessory. {brand.name} is a trademark of its owner; "
            "this product is not made or endorsed by it.",
            brand=self.rng.choice(text.ACCESSORY_MAKERS),
            category="accessories" if self.rng.random() < 0.6 else product.category,
            price=self.rng.uniform(4, 45),
            images=[self.pool.generic(self.rng)],
            quantity=self.rng.randint(10, 800),
            gtin=None,
            image_sources=["generic"],
        )

    def _generic(self, seller: Seller) -> Draft:
        name, category, price = self.rng.choice(text.GENERIC_ITEMS)
        return Draft(
            title=text.styled(
                self.rng, f"{name} {self.rng.choice(('', 'premium', 'x2', 'set'))}".strip()
            ),
            description=self.rng.choice(("", "Good quality, fast shipping.", "Unbranded.")),
            brand=self.rng.choice((None, None, "Generic", "No brand", "Sans marque")),
            category=category,
            price=price * self.rng.uniform(0.6, 1.6),
            images=[self.pool.generic(self.rng)],
            quantity=self.rng.randint(5, 900),
            gtin=None,
            image_sources=["generic"],
        )

    # --- counterfeit tactics ----------------------------------------------------------------

    def _blatant(self, seller: Seller) -> Draft:
        odds = {"fake": 0.5, "official": 0.25, "altered": 0.25}
        draft = self._base(seller, odds, (0.06, 0.3))
        assert draft.product is not None and draft.brand is not None
        words = self.rng.sample(text.FAKE_VOCABULARY, self.rng.randint(1, 2))
        model = text.model_words(draft.product.title, draft.brand)
        if self.rng.random() < 0.5:
            draft.title = f"{draft.brand} {model} {' '.join(words)}"
        else:
            draft.title = f"{words[0].upper()} {draft.brand} {model}"
        draft.description = f"{self.rng.choice(text.FAKE_VOCABULARY)} - {draft.description[:160]}"
        draft.brand = draft.brand if self.rng.random() < 0.8 else None
        draft.quantity = self.rng.randint(20, 999)
        draft.gtin = self._gtin(draft.product, {"none": 0.6, "invalid": 0.2, "copied": 0.2})
        return draft

    def _obfuscated(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"altered": 0.5, "fake": 0.4, "official": 0.1}, (0.1, 0.42))
        product = draft.product
        assert product is not None
        name = self.brands[product.brand_index].name
        disguised, how = text.obfuscate(self.rng, name)
        model = text.model_words(product.title, name)
        draft.title = text.styled(self.rng, f"{disguised} {model}")
        draft.description = self.rng.choice(
            ("", "Top quality, same as the famous brand.", f"Style {disguised}.", "Best price.")
        )
        draft.brand = self.rng.choice((disguised, None, "Generic", disguised))
        draft.obfuscation = how
        draft.quantity = self.rng.randint(10, 600)
        draft.gtin = None
        return draft

    def _super_fake(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"official": 0.5, "altered": 0.4, "fake": 0.1}, (0.72, 0.96))
        assert draft.product is not None
        draft.title = draft.product.title if self.rng.random() < 0.6 else draft.title
        draft.quantity = self.rng.randint(3, 60)
        draft.gtin = self._gtin(draft.product, {"copied": 0.6, "none": 0.4})
        return draft

    def _quiet(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"fake": 0.5, "altered": 0.3, "official": 0.2}, (0.28, 0.62))
        assert draft.product is not None
        if self.rng.random() < 0.6:
            draft.title += " " + self.rng.choice(text.HONEST_HYPE)
        draft.description = self.rng.choice(
            ("", "Fast shipping from our warehouse.", draft.description)
        )
        draft.quantity = self.rng.randint(5, 300)
        draft.gtin = self._gtin(draft.product, {"none": 0.5, "copied": 0.3, "foreign": 0.2})
        return draft

    def _hijacked(self, seller: Seller) -> Draft:
        draft = self._base(seller, {"altered": 0.4, "official": 0.3, "fake": 0.3}, (0.38, 0.7))
        assert draft.product is not None
        draft.quantity = self.rng.randint(10, 200)
        draft.gtin = self._gtin(draft.product, {"none": 0.6, "copied": 0.4})
        if self.rng.random() < 0.5:
            draft.ships_from = self.rng.choice(("CN", "HK"))
        return draft


def _weighted(rng: random.Random, odds: dict[str, float]) -> str:
    keys = list(odds)
    return rng.choices(keys, weights=[odds[k] for k in keys])[0]


def shop_price(rng: random.Random, value: float) -> float:
    """A price as shops write it: x.99, x.90 or cents."""
    value = max(0.5, value)
    roll = rng.random()
    if roll < 0.5 and value > 5:
        return round(int(value) + 0.99, 2)
    if roll < 0.65 and value > 5:
        return round(int(value) + 0.9, 2)
    return round(value, 2)
