"""Customs declarations and inspections, tied to the same actors as the marketplace."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from guetteur.demo.world import text
from guetteur.demo.world.model import (
    MONTHS,
    Brand,
    Product,
    Ring,
    Seller,
    iso,
    month_start,
    rand_between,
)
from guetteur.demo.world.parties import Party, PartyBook, party_from_identity
from guetteur.demo.world.verdicts import Outcomes
from guetteur.demo.world.writer import JsonlFiles

OFFICES = {
    "FR": ("FR000730", "FR002300", "FR006900"),
    "BE": ("BE212000", "BE101000"),
    "NL": ("NL000396", "NL000854"),
}
FLOWS = {
    "b2b": 0.18,
    "parcel_honest": 0.47,
    "parcel_ring": 0.17,
    "bulk_ring": 0.04,
    "parcel_lone": 0.07,
    "other_fraud": 0.07,
}
VAGUE = (
    "gift", "sample", "accessories", "parts", "goods", "household items", "clothes", "bag",
    "electronic parts", "spare parts", "cadeau", "échantillon", "Geschenk", "toys",
)  # fmt: skip
CARRIERS = ("DCL-POST-FR", "DCL-POST-NL", "DCL-EXPRESS-01", "DCL-EXPRESS-02", "DCL-EXPRESS-03")
_HS = (
    ("software", "852349"), ("camera", "852580"), ("monitor", "852872"), ("tv", "852872"),
    ("audio", "851830"), ("headphone", "851830"), ("speaker", "851822"), ("computer", "847130"),
    ("printer", "844399"), ("stationery", "482010"), ("office", "482010"), ("phone", "851762"),
    ("accessor", "392690"), ("sneaker", "640411"), ("handbag", "420221"), ("watch", "910211"),
    ("cosmetic", "330499"), ("sunglass", "900410"), ("apparel", "610910"), ("toy", "950300"),
    ("home", "940520"), ("garden", "820190"),
)  # fmt: skip


def hs_code(rng: random.Random, category: str) -> str:
    """An HS / CN / TARIC code (6, 8 or 10 digits) for a product category."""
    code = next((hs for word, hs in _HS if word in category), "854370")
    return code + rng.choice(("", "00", "00", "0000", "9000"))


@dataclass
class Draft:
    """A declaration before it gets its id, and what it really is."""

    lodged_at: datetime
    flow: str
    office: str
    declarant: str
    consignor: Party
    importer: Party
    category: str
    description: str
    origin: str
    quantity: int
    unit_value: float
    transport: str
    seller: Seller | None = None
    show_seller: bool = False
    brand: Brand | None = None
    counterfeit: bool = False
    other_fraud: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class CustomsWorld:
    """Draws declarations from the world's actors month by month."""

    def __init__(
        self,
        rng: random.Random,
        book: PartyBook,
        brands: list[Brand],
        sellers: list[Seller],
        rings: list[Ring],
    ) -> None:
        self.rng = rng
        self.book = book
        self.brands = brands
        self.rings = {ring.id: ring for ring in rings}
        self.fronts = [ring for ring in rings if ring.front is not None]
        abroad = [
            s
            for s in sellers
            if s.ships_from[0] not in OFFICES and s.ships_from[0] not in {"DE", "ES", "IT", "PL"}
        ]
        self.pools = {
            "parcel_honest": [
                s for s in abroad if s.kind not in {"ring", "lone"} and s.hijacked_at is None
            ],
            "parcel_ring": [s for s in abroad if s.kind == "ring"],
            "parcel_lone": [s for s in abroad if s.kind == "lone"],
        }

    def _active(self, pool: str, low: datetime, high: datetime) -> list[Seller]:
        return [s for s in self.pools[pool] if s.active_from < high and s.active_to > low]

    def month(self, index: int, count: int) -> list[Draft]:
        """`count` declarations lodged in month `index`, in time order."""
        low, high = month_start(index), month_start(index + 1)
        active = {name: self._active(name, low, high) for name in self.pools}
        flows = self.rng.choices(list(FLOWS), weights=list(FLOWS.values()), k=count)
        drafts = [self._draft(flow, low, high, active) for flow in flows]
        return sorted(drafts, key=lambda d: d.lodged_at)

    def _office(self) -> tuple[str, str]:
        country = self.rng.choices(("FR", "BE", "NL"), weights=(45, 25, 30))[0]
        return country, self.rng.choice(OFFICES[country])

    def _product(self, brand_indexes: list[int]) -> tuple[Product, Brand]:
        brand = self.brands[self.rng.choice(brand_indexes or [b.index for b in self.brands])]
        return self.rng.choice(brand.products), brand

    def _draft(
        self, flow: str, low: datetime, high: datetime, active: dict[str, list[Seller]]
    ) -> Draft:
        moment = rand_between(self.rng, low, high)
        if flow.startswith("parcel_") and active[flow]:
            return self._parcel(flow, moment, self.rng.choice(active[flow]))
        if flow == "bulk_ring" and self.fronts:
            return self._bulk_ring(moment, self.rng.choice(self.fronts))
        if flow == "other_fraud":
            return self._b2b(moment, fraud=True)
        return self._b2b(moment, fraud=False)

    def _b2b(self, moment: datetime, *, fraud: bool) -> Draft:
        rng = self.rng
        product, brand = self._product([])
        exporter = rng.choice(self.book.exporters)
        _, office = self._office()
        importer = rng.choice(self.book.importers)
        unit = product.msrp * rng.uniform(0.3, 0.55) * (rng.uniform(0.05, 0.25) if fraud else 1.0)
        quantity = rng.randint(50, 4000)
        desc = f"{text.model_words(product.title, brand.name)} ({brand.name})"
        if fraud and rng.random() < 0.5:
            desc = rng.choice(VAGUE)
        return Draft(
            moment, "other_fraud" if fraud else "b2b", office, f"DCL-BRK-{rng.randint(1, 40):03d}",
            exporter, importer, product.category, desc,
            str(exporter.record["country"]), quantity, unit,
            rng.choice(("sea", "sea", "air", "road", "rail")), brand=brand, other_fraud=fraud,
        )  # fmt: skip

    def _parcel(self, flow: str, moment: datetime, seller: Seller) -> Draft:
        rng = self.rng
        fake = flow != "parcel_honest" and rng.random() < 0.85
        product, found = self._product(seller.brands)
        brand: Brand | None = found
        country, office = self._office()
        consignor = Party(
            entity_id=seller.id,
            record=party_from_identity(rng, seller.identity, noisy=fake or rng.random() < 0.3),
            ring_id=seller.ring_id,
            seller_id=seller.id,
        )
        importer = self.book.consumer(country, f"{moment:%Y%m%d%H%M%S}{rng.randint(0, 9999):04d}")
        quantity = rng.randint(1, 20) if fake else rng.randint(1, 4)
        unit = product.msrp * (rng.uniform(0.03, 0.2) if fake else rng.uniform(0.5, 0.95))
        if not seller.brands:
            unit, brand = rng.uniform(3, 30), None
        return Draft(
            moment, flow, office, rng.choice(CARRIERS), consignor, importer,
            product.category, self._parcel_description(product, brand, fake),
            seller.ships_from[0], quantity, unit, rng.choice(("postal", "postal", "express")),
            seller=seller, show_seller=rng.random() < (0.4 if fake else 0.5),
            brand=brand, counterfeit=fake and brand is not None,
        )  # fmt: skip

    def _parcel_description(self, product: Product, brand: Brand | None, fake: bool) -> str:
        rng = self.rng
        if brand is None:
            return rng.choice(text.GENERIC_ITEMS)[0]
        if fake and rng.random() < 0.55:
            return rng.choice(VAGUE)
        if fake and rng.random() < 0.5:
            return f"{text.model_words(product.title, brand.name)} unbranded"
        return rng.choice((product.title, f"{text.model_words(product.title, brand.name)}", "gift"))

    def _bulk_ring(self, moment: datetime, ring: Ring) -> Draft:
        rng = self.rng
        assert ring.front is not None
        member = rng.choice(ring.members)
        product, brand = self._product(ring.brands)
        consignor = Party(
            entity_id=member.id,
            record=party_from_identity(rng, member.identity, noisy=True),
            ring_id=ring.id,
            seller_id=member.id,
        )
        importer = Party(
            entity_id=f"front-{ring.id}",
            record=party_from_identity(rng, ring.front, noisy=rng.random() < 0.5, with_eori=True),
            ring_id=ring.id,
        )
        _, office = self._office()
        desc = rng.choice(VAGUE) if rng.random() < 0.6 else product.category.replace("_", " ")
        return Draft(
            moment, "bulk_ring", office, f"DCL-BRK-{rng.randint(1, 40):03d}", consignor, importer,
            product.category, desc,
            ring.country if ring.country not in OFFICES else "CN", rng.randint(200, 5000),
            product.msrp * rng.uniform(0.02, 0.1), rng.choice(("sea", "air", "rail")),
            seller=member, brand=brand, counterfeit=True,
        )  # fmt: skip


def declaration_record(rng: random.Random, draft: Draft, decl_id: str) -> dict[str, Any]:
    """The declarations.jsonl line."""
    weight = draft.quantity * rng.uniform(0.15, 1.2) + rng.uniform(0.1, 2.0)
    return {
        "id": decl_id,
        "lodged_at": iso(draft.lodged_at),
        "office": draft.office,
        "declarant_id": draft.declarant,
        "importer": draft.importer.record,
        "consignor": draft.consignor.record,
        "hs_code": hs_code(rng, draft.category),
        "description": draft.description,
        "origin_country": draft.origin,
        "quantity": draft.quantity,
        "gross_weight_kg": round(weight, 2),
        "declared_value": round(max(1.0, draft.quantity * draft.unit_value), 2),
        "currency": "EUR",
        "transport_mode": draft.transport,
        "seller_ref": draft.seller.id if draft.seller and draft.show_seller else None,
    }


def inspection_odds(draft: Draft, record: dict[str, Any]) -> float:
    """How likely the office's current (imperfect) targeting opens this declaration."""
    odds = 0.025
    if draft.origin in {"CN", "HK", "TR"}:
        odds += 0.05
    if draft.description in VAGUE:
        odds += 0.06
    if record["declared_value"] / max(1, draft.quantity) < 3:
        odds += 0.04
    if draft.counterfeit or draft.other_fraud:
        odds += 0.06
    return odds


def inspect(rng: random.Random, draft: Draft, record: dict[str, Any]) -> dict[str, Any] | None:
    """The inspections.jsonl line, if the declaration was opened."""
    if rng.random() >= inspection_odds(draft, record):
        return None
    at = draft.lodged_at + timedelta(hours=rng.uniform(2, 72))
    row: dict[str, Any] = {
        "declaration_id": record["id"],
        "inspected_at": iso(at),
        "outcome": "clear",
        "brand_id": None,
        "units": None,
        "revenue": None,
    }
    suspected = (draft.counterfeit and rng.random() < 0.85) or (
        not draft.counterfeit and draft.brand is not None and rng.random() < 0.01
    )
    if suspected and draft.brand is not None:
        row.update(
            outcome="ipr_suspected",
            brand_id=draft.brand.id,
            units=max(1, int(draft.quantity * rng.uniform(0.6, 1.0))),
        )
    elif rng.random() < (0.75 if draft.other_fraud else 0.03):
        row.update(
            outcome="other_fraud",
            revenue=round(record["declared_value"] * rng.uniform(0.2, 1.0), 2),
        )
    return row


@dataclass
class SeizureLinks:
    """Counterfeit listings per seller, so a seizure can become verdicts on those listings."""

    by_seller: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)

    def add(self, seller_id: str, created: datetime, listing_id: str) -> None:
        """Remember one counterfeit listing."""
        self.by_seller.setdefault(seller_id, []).append((created, listing_id))

    def seize(self, rng: random.Random, outcomes: Outcomes, seller_id: str, at: datetime) -> None:
        """Verdicts from a seizure on up to two earlier counterfeit listings of the seller."""
        earlier = [lid for created, lid in self.by_seller.get(seller_id, []) if created < at]
        for lid in rng.sample(earlier, min(2, len(earlier))):
            outcomes.verdict(lid, "counterfeit", "seizure", at + timedelta(days=rng.uniform(3, 15)))


def write_customs(
    rng: random.Random,
    world: CustomsWorld,
    files: JsonlFiles,
    outcomes: Outcomes,
    links: SeizureLinks,
    total: int,
) -> None:
    """Stream declarations, inspections and their truth, month by month."""
    number = 0
    for index in range(MONTHS):
        for draft in world.month(index, total // MONTHS + (1 if index < total % MONTHS else 0)):
            number += 1
            record = declaration_record(rng, draft, f"decl-{number:07d}")
            files.write("declarations", record)
            files.write("truth/declarations", declaration_truth(draft, record))
            for role in ("consignor", "importer"):
                files.write("truth/parties", party_truth(draft, record["id"], role))
            row = inspect(rng, draft, record)
            if row is None:
                continue
            files.write("inspections", row)
            if row["outcome"] == "ipr_suspected" and record["seller_ref"] and draft.counterfeit:
                at = datetime.fromisoformat(row["inspected_at"])
                links.seize(rng, outcomes, record["seller_ref"], at)


def declaration_truth(draft: Draft, record: dict[str, Any]) -> dict[str, Any]:
    """What a declaration really carried and who really sent it."""
    return {
        "declaration_id": record["id"],
        "flow": draft.flow,
        "counterfeit": draft.counterfeit,
        "other_fraud": draft.other_fraud,
        "brand_id": draft.brand.id if draft.brand else None,
        "consignor_entity": draft.consignor.entity_id,
        "consignor_ring_id": draft.consignor.ring_id,
        "importer_entity": draft.importer.entity_id,
        "importer_ring_id": draft.importer.ring_id,
        "seller_id": draft.seller.id if draft.seller else None,
    }


def party_truth(draft: Draft, decl_id: str, role: str) -> dict[str, Any]:
    """One declaration party and what it really is (networks.jsonl's member id convention)."""
    party = draft.consignor if role == "consignor" else draft.importer
    return {
        "member_id": f"{decl_id}:{role}",
        "kind": "party",
        "entity_id": party.entity_id,
        "seller_id": party.seller_id,
        "ring_id": party.ring_id,
    }
