"""Counterfeiters: rings of accounts sharing noisy identifiers, lone fakers, hijacked accounts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from guetteur.demo.world import identifiers as ids
from guetteur.demo.world.model import END, START, Brand, Identity, Ring, Seller, rand_between
from guetteur.demo.world.places import Places, address_variant, legal_name, name_variant
from guetteur.demo.world.sellers import (
    EU,
    SellerFactory,
    account_age,
    activity,
    apply_super_nodes,
    make_identity,
    scaled,
)

RING_COUNTRIES = ("CN", "CN", "CN", "HK", "HK", "TR", "FR", "ES", "IT")
LONE_COUNTRIES = ("CN", "CN", "HK", "TR", "FR", "ES", "IT", "DE", "PL", "GB")
TACTICS = ("blatant", "obfuscated", "super_fake", "quiet")
_STRONG = ("phone", "bank", "device", "address")
_WEAK = ("legal_name", "email", "ip", "registration")


def _ring(rng: random.Random, places: Places, index: int, brands: list[Brand]) -> Ring:
    country = rng.choice(RING_COUNTRIES)
    base = places.company_base(rng, country)
    reg, _ = ids.company_numbers(rng, country)
    bank_country = rng.choice(("LT", country)) if country in {"CN", "HK", "TR"} else country
    return Ring(
        id=f"ring-{index + 1:03d}",
        base_name=base,
        country=country,
        brands=sorted(b.index for b in rng.sample(brands, min(len(brands), rng.randint(2, 6)))),
        tactics=sorted(rng.sample(TACTICS, rng.randint(1, 3))),
        phones=[ids.phone_number(rng, country) for _ in range(rng.randint(1, 2))],
        banks=[ids.bank_account(rng, bank_country) for _ in range(rng.randint(1, 2))],
        devices=[ids.device(rng) for _ in range(rng.randint(2, 4))],
        ips=[ids.ip_address(rng) for _ in range(rng.randint(1, 3))],
        addresses=[places.address(rng, country) for _ in range(rng.randint(1, 2))],
        emails=[ids.email(rng, base, country)],
        registration_number=reg,
    )


def _share_one(rng: random.Random, ring: Ring, identity: Identity, what: str) -> None:
    if what == "phone":
        identity.phone = ids.written_phone(rng, rng.choice(ring.phones), identity.country)
    elif what == "bank":
        account = rng.choice(ring.banks)
        spaced = " ".join(account[i : i + 4] for i in range(0, len(account), 4))
        identity.bank_account = spaced if rng.random() < 0.3 else account
    elif what == "device":
        identity.devices.insert(rng.randrange(len(identity.devices) + 1), rng.choice(ring.devices))
    elif what == "address":
        identity.address = address_variant(rng, rng.choice(ring.addresses))
    elif what == "legal_name":
        identity.legal_name = name_variant(rng, ring.base_name, ring.country)
    elif what == "email":
        identity.email = ids.email_variant(rng, rng.choice(ring.emails))
    elif what == "ip":
        identity.ips.append(rng.choice(ring.ips))
    elif what == "registration" and ring.registration_number:
        identity.registration_number = ring.registration_number


def pick_shared(rng: random.Random) -> list[str]:
    """Which ring identifiers one account reuses: at least one strong one."""
    shared = rng.sample(_STRONG, rng.choice((1, 1, 2, 2, 3)))
    return sorted(shared + [w for w in _WEAK if rng.random() < 0.35])


def share_ring_identifiers(
    rng: random.Random, ring: Ring, identity: Identity, shared: list[str]
) -> list[str]:
    """Overwrite part of a fresh identity with the ring's identifiers, noisily; returns what."""
    for what in shared:
        _share_one(rng, ring, identity, what)
    return sorted(shared)


def _member(factory: SellerFactory, ring: Ring, created: datetime) -> Seller:
    rng = factory.rng
    home = ring.country if rng.random() < 0.75 else rng.choice(EU)
    identity, _ = make_identity(rng, factory.places, home, company=rng.random() < 0.7)
    aged = rng.random() < 0.15
    opened = account_age(rng, new=False) if aged else created
    ships = [ring.country]
    if "super_fake" in ring.tactics and rng.random() < 0.4:
        ships = [rng.choice(("FR", "DE", "ES", "IT"))]
    seller = Seller(
        key=len(factory.sellers),
        kind="ring",
        identity=identity,
        kyb_verified=rng.random() < (0.6 if aged else 0.3),
        created_at=opened,
        active_from=max(created, START),
        active_to=min(END, created + timedelta(days=rng.randint(40, 220))),
        weight=activity(rng, 40),
        brands=ring.brands,
        ships_from=ships,
        ring_id=ring.id,
        tactics=ring.tactics,
    )
    shared = pick_shared(rng)
    seller.super_nodes = apply_super_nodes(
        rng, factory.nodes, identity, f"k{seller.key}", odds=0.1, keep_address="address" in shared
    )
    share_ring_identifiers(rng, ring, identity, shared)
    factory.sellers.append(seller)
    return seller


def make_rings(factory: SellerFactory, brands: list[Brand], scale: float) -> list[Ring]:
    """Counterfeit rings, each opening accounts one after another through the year."""
    rng = factory.rng
    rings: list[Ring] = []
    for index in range(max(3, scaled(26, scale))):
        ring = _ring(rng, factory.places, index, brands)
        first = rand_between(rng, START - timedelta(days=60), START + timedelta(days=200))
        n = rng.randint(3, 14)
        moments = sorted(rand_between(rng, first, END - timedelta(days=15)) for _ in range(n))
        ring.members = [_member(factory, ring, moment) for moment in moments]
        if rng.random() < 0.5:
            ring.front = _front(rng, factory.places, ring)
        rings.append(ring)
    return rings


def _front(rng: random.Random, places: Places, ring: Ring) -> Identity:
    """An EU importing company the ring uses as consignee for bulk shipments."""
    country = rng.choice(("FR", "BE", "NL", "DE", "ES"))
    identity, _ = make_identity(rng, places, country, company=True)
    identity.legal_name = legal_name(rng, places.company_base(rng, country), country)
    _share_one(rng, ring, identity, rng.choice(("phone", "email", "bank")))
    return identity


def make_lone(factory: SellerFactory, brands: list[Brand], scale: float) -> list[Seller]:
    """Counterfeiters acting alone with fresh identifiers."""
    rng = factory.rng
    made: list[Seller] = []
    for _ in range(max(5, scaled(150, scale))):
        country = rng.choice(LONE_COUNTRIES)
        identity, _ = make_identity(rng, factory.places, country, company=rng.random() < 0.5)
        created = account_age(rng, new=rng.random() < 0.7)
        seller = Seller(
            key=len(factory.sellers),
            kind="lone",
            identity=identity,
            kyb_verified=rng.random() < 0.25,
            created_at=created,
            active_from=max(created, START),
            active_to=min(END, max(created, START) + timedelta(days=rng.randint(30, 365))),
            weight=activity(rng, 9),
            brands=sorted(b.index for b in rng.sample(brands, min(len(brands), rng.randint(1, 3)))),
            ships_from=[country],
            currency=ids.CURRENCY_BY_COUNTRY.get(country, "EUR"),
            tactics=sorted(rng.sample(TACTICS, rng.randint(1, 2))),
        )
        key = f"k{seller.key}"
        seller.super_nodes = apply_super_nodes(rng, factory.nodes, identity, key, odds=0.08)
        factory.sellers.append(seller)
        made.append(seller)
    return made


def hijack(rng: random.Random, sellers: list[Seller], rings: list[Ring], scale: float) -> None:
    """Take over some old, verified reseller accounts during the year; rings control most."""
    candidates = [
        s for s in sellers if s.kind == "reseller" and s.created_at < START and s.kyb_verified
    ]
    for seller in rng.sample(candidates, min(len(candidates), max(3, scaled(22, scale)))):
        seller.kind = "hijacked"
        seller.hijacked_at = rand_between(rng, START + timedelta(days=30), END - timedelta(days=30))
        seller.tactics = ["hijacked"]
        if rings and rng.random() < 0.6:
            ring = rng.choice(rings)
            seller.ring_id = ring.id
            seller.identity.devices.append(rng.choice(ring.devices))
            seller.identity.ips.append(rng.choice(ring.ips))
            seller.brands = sorted(set(seller.brands) | set(ring.brands))
