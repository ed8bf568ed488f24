"""Honest seller accounts of every kind, and the identities every account is built from."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from guetteur.demo.world import identifiers as ids
from guetteur.demo.world.model import END, START, Brand, Identity, Seller, rand_between
from guetteur.demo.world.places import Places, legal_name
from guetteur.demo.world.supernodes import SuperNodes, address_label

EU = ("FR", "DE", "ES", "IT", "NL", "BE", "PL")
NON_EU_SHIPPERS = ("CN", "HK", "US", "GB", "TR", "AE")
_SHOP_A = (
    "Urban", "Prime", "Nova", "Best", "Smart", "Happy", "Blue", "Golden", "Euro", "Top", "Star",
    "Bright", "Easy", "Royal", "Daily", "Mega", "Trend", "Pure", "Global", "Little",
)  # fmt: skip
_SHOP_B = (
    "Store", "Shop", "Outlet", "Market", "Deals", "Boutique", "Corner", "Depot", "Bazaar",
    "House", "Direct", "World", "Hub", "Factory", "Express", "Center",
)  # fmt: skip


@dataclass(frozen=True)
class KindSpec:
    """How many accounts of a kind per unit of scale, and how they behave."""

    count: float
    weight: float
    kyb: float
    countries: tuple[str, ...]
    ships_abroad: bool = False
    company: float = 0.8


HONEST: dict[str, KindSpec] = {
    "authorised": KindSpec(40, 30, 1.0, ("FR", "DE", "NL", "IT", "ES", "BE", "GB")),
    "reseller": KindSpec(330, 12, 0.8, (*EU, "GB", "US")),
    "grey": KindSpec(160, 13, 0.55, ("HK", "CN", "US", "AE", "TR", "GB"), ships_abroad=True),
    "clearance": KindSpec(55, 12, 0.7, EU),
    "accessory": KindSpec(130, 12, 0.6, ("CN", "CN", "HK", *EU), ships_abroad=True),
    "generic": KindSpec(480, 11, 0.6, ("CN", "CN", "HK", "TR", *EU), ships_abroad=True),
    "new_honest": KindSpec(260, 4, 0.2, (*EU, "CN", "HK", "GB"), company=0.4),
}


def shop_name(rng: random.Random, places: Places, country: str) -> str:
    """A shop name as buyers see it."""
    roll = rng.random()
    if roll < 0.55:
        return f"{rng.choice(_SHOP_A)} {rng.choice(_SHOP_B)}"
    if roll < 0.8:
        return f"{rng.choice(_SHOP_A)}{rng.choice(_SHOP_B)}{rng.randint(1, 99)}"
    last = places.faker("FR" if country in {"CN", "HK"} else country).last_name()
    return f"{last} {rng.choice(_SHOP_B)}"


def make_identity(
    rng: random.Random, places: Places, country: str, *, company: bool
) -> tuple[Identity, object]:
    """A fresh, unshared identity; returns it with its phone number object (for variants)."""
    display = shop_name(rng, places, country)
    base = places.company_base(rng, country)
    legal = legal_name(rng, base, country) if company else places.person(country)
    reg, vat = ids.company_numbers(rng, country) if company else (None, None)
    number = ids.phone_number(rng, country)
    identity = Identity(
        display_name=display,
        legal_name=legal if rng.random() < 0.9 else None,
        registration_number=reg if rng.random() < 0.8 else None,
        vat_number=vat if rng.random() < 0.8 else None,
        country=country,
        email=ids.email(rng, display if rng.random() < 0.6 else base, country),
        phone=ids.written_phone(rng, number, country),
        address=places.address(rng, country),
        bank_account=ids.bank_account(rng, country),
        devices=[ids.device(rng) for _ in range(rng.choice((1, 1, 2, 3)))],
        ips=[ids.ip_address(rng) for _ in range(rng.choice((1, 2, 2, 3)))],
    )
    return identity, number


def apply_super_nodes(
    rng: random.Random,
    nodes: SuperNodes,
    identity: Identity,
    key: str,
    *,
    odds: float,
    keep_address: bool = False,
) -> list[str]:
    """Give an account some super-node identifiers with probability `odds` each."""
    used: list[str] = []
    if rng.random() < odds and not keep_address:
        address = dict(rng.choice(nodes.fulfilment))
        identity.address = address
        used.append(address_label(address))
    if identity.country == "HK" and rng.random() < 0.35 and not keep_address:
        identity.address = dict(nodes.registered_agent)
        used.append(address_label(nodes.registered_agent))
    if rng.random() < odds * 0.6:
        identity.ips.append(rng.choice(nodes.office_ips))
        used.append(identity.ips[-1])
    if rng.random() < odds * 0.4:
        identity.devices.append(nodes.emulator_device)
        used.append(nodes.emulator_device)
    for value in used:
        nodes.note(value, key)
    return used


def activity(rng: random.Random, base: float) -> float:
    """A heavy-tailed activity weight around `base`."""
    return base * math.exp(rng.gauss(0.0, 0.8))


def account_age(rng: random.Random, *, new: bool) -> datetime:
    """When an account was opened: during the year for new ones, years before otherwise."""
    if new:
        return rand_between(rng, START, END - timedelta(days=20))
    return rand_between(rng, START - timedelta(days=6 * 365), START - timedelta(days=30))


class SellerFactory:
    """Builds accounts with consecutive internal keys (public ids are shuffled later)."""

    def __init__(self, rng: random.Random, places: Places, nodes: SuperNodes) -> None:
        self.rng = rng
        self.places = places
        self.nodes = nodes
        self.sellers: list[Seller] = []

    def honest(self, kind: str, spec: KindSpec, brands: list[Brand]) -> Seller:
        """One honest account of `kind`."""
        rng = self.rng
        country = rng.choice(spec.countries)
        identity, _ = make_identity(rng, self.places, country, company=rng.random() < spec.company)
        created = account_age(rng, new=kind == "new_honest" or rng.random() < 0.15)
        seller = Seller(
            key=len(self.sellers),
            kind=kind,
            identity=identity,
            kyb_verified=rng.random() < spec.kyb,
            created_at=created,
            active_from=max(created, START),
            active_to=END,
            weight=activity(rng, spec.weight),
            brands=self._brands_for(kind, brands),
            ships_from=self._ships_from(country, spec),
            currency=ids.CURRENCY_BY_COUNTRY.get(country, "EUR"),
        )
        odds = 0.12 if kind in {"grey", "generic", "accessory", "new_honest"} else 0.04
        seller.super_nodes = apply_super_nodes(
            rng, self.nodes, identity, f"k{seller.key}", odds=odds
        )
        self.sellers.append(seller)
        return seller

    def _brands_for(self, kind: str, brands: list[Brand]) -> list[int]:
        if kind == "generic":
            return []
        count = {"authorised": 4, "reseller": 5, "grey": 4, "clearance": 6, "accessory": 3}
        n = min(len(brands), self.rng.randint(1, count.get(kind, 3)))
        return sorted(b.index for b in self.rng.sample(brands, n))

    def _ships_from(self, country: str, spec: KindSpec) -> list[str]:
        if spec.ships_abroad or country not in EU:
            return [country] if country != "GB" else ["GB"]
        extra = self.rng.choice(EU)
        return sorted({country, extra}) if self.rng.random() < 0.2 else [country]


def make_honest_sellers(factory: SellerFactory, brands: list[Brand], scale: float) -> list[Seller]:
    """Official brand stores and every kind of honest account."""
    rng = factory.rng
    made: list[Seller] = []
    for brand in brands:
        if rng.random() < 0.6:
            seller = factory.honest("authorised", HONEST["authorised"], brands)
            seller.kind = "official"
            seller.brands = [brand.index]
            seller.identity.display_name = f"{brand.name} Official Store"
            made.append(seller)
    for kind, spec in HONEST.items():
        made.extend(factory.honest(kind, spec, brands) for _ in range(scaled(spec.count, scale)))
    for seller in made:
        if seller.kind in {"official", "authorised"}:
            for index in seller.brands:
                brands[index].authorised.append(seller.key)
    return made


def scaled(count: float, scale: float) -> int:
    """`count` at `scale`, at least one."""
    return max(1, round(count * scale))
