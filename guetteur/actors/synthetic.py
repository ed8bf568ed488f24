"""Synthetic seller accounts with known rings, super-node addresses and emulator devices.

Used by the tests and the benchmarks: rings reuse a bank account, a phone written several ways,
a warehouse address with typos, a company name with another legal form, a device; genuine
sellers share only super-nodes (freight forwarders, fulfilment centres, emulator device ids,
office IPs), which must not glue them into one network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ta",
    "ne",
    "lo",
    "su",
    "vi",
    "da",
    "pe",
    "zo",
    "ri",
    "ma",
    "fu",
    "ge",
    "ha",
    "ji",
    "ku",
    "le",
    "mo",
    "na",
    "pi",
    "qu",
    "ra",
    "se",
    "ti",
    "uv",
    "wa",
    "xe",
    "yo",
    "za",
    "bel",
    "cor",
    "dan",
    "fal",
    "gor",
    "hel",
    "kin",
    "lar",
    "mor",
    "nor",
    "par",
    "ros",
    "sal",
    "tor",
    "val",
    "wen",
]
STREET_TYPES = (("street", "st"), ("road", "rd"), ("avenue", "ave"), ("boulevard", "blvd"))
FORMS = ("Ltd", "Limited", "LLC", "GmbH", "SARL", "S.A.", "Co., Ltd.", "Inc.")
COUNTRIES = ("FR", "DE", "GB", "ES", "IT", "NL")
PHONE_PREFIX = {"FR": "33", "DE": "49", "GB": "44", "ES": "34", "IT": "39", "NL": "31"}
START = datetime(2023, 1, 1, tzinfo=UTC)


@dataclass
class World:
    """Sellers (sellers.jsonl objects) and which ring each ring member belongs to."""

    sellers: list[dict[str, Any]] = field(default_factory=list)
    ring_of: dict[str, int] = field(default_factory=dict)
    super_addresses: list[dict[str, Any]] = field(default_factory=list)


def _word(rng: random.Random, syllables: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _address(rng: random.Random, country: str) -> dict[str, Any]:
    kind = rng.choice(STREET_TYPES)
    return {
        "line1": f"{rng.randint(1, 300)} {_word(rng).title()} {kind[0].title()}",
        "line2": None,
        "city": _word(rng, 2).title(),
        "postcode": f"{rng.randint(10000, 99999)}",
        "country": country,
    }


def _national_phone(rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(9))


def _iban(rng: random.Random) -> str:
    """A valid-checksum French IBAN built from a random BBAN."""
    bban = "".join(str(rng.randint(0, 9)) for _ in range(23))
    digits = "".join(str(int(c, 36)) for c in bban + "FR00")
    check = 98 - int(digits) % 97
    return f"FR{check:02d}{bban}"


def _genuine(rng: random.Random, i: int, world: World, emulators: list[str]) -> dict[str, Any]:
    country = rng.choice(COUNTRIES)
    name = f"{_word(rng).title()} {_word(rng, 2).title()}"
    use_forwarder = world.super_addresses and rng.random() < 0.15
    address = rng.choice(world.super_addresses) if use_forwarder else _address(rng, country)
    devices = [f"dev-{rng.getrandbits(48):012x}"]
    if emulators and rng.random() < 0.05:
        devices.append(rng.choice(emulators))
    return {
        "id": f"S{i:07d}",
        "display_name": name,
        "legal_name": f"{name} {rng.choice(FORMS)}" if rng.random() < 0.5 else None,
        "registration_number": None,
        "vat_number": None,
        "country": country,
        "email": f"{_word(rng)}.{_word(rng, 2)}{rng.randint(1, 999)}@example.com",
        "phone": f"+{PHONE_PREFIX[country]}{_national_phone(rng)}",
        "address": address,
        "bank_account": _iban(rng),
        "devices": devices,
        "ips": [f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"],
        "kyb_verified": rng.random() < 0.5,
        "created_at": (START + timedelta(minutes=i)).isoformat(),
    }


def _ring_member(
    rng: random.Random, base: dict[str, Any], i: int, traits: dict[str, Any]
) -> dict[str, Any]:
    seller = dict(base, id=f"S{i:07d}", created_at=(START + timedelta(minutes=i)).isoformat())
    shared = rng.sample(("bank", "phone", "address", "company", "device"), k=rng.randint(2, 4))
    if "bank" in shared:
        seller["bank_account"] = traits["iban"]
    if "phone" in shared:
        national = traits["phone"]
        seller["country"] = "FR"
        seller["phone"] = rng.choice(
            (f"0{national}", f"+33 {national[0]} {national[1:5]} {national[5:]}", f"0033{national}")
        )
    if "address" in shared:
        address = dict(traits["address"])
        if rng.random() < 0.3:
            address["line1"] = _typo(rng, address["line1"])
        seller["address"] = address
    if "company" in shared:
        seller["legal_name"] = f"{traits['company']} {rng.choice(FORMS)}"
        seller["display_name"] = f"{traits['company']} {_word(rng, 1).title()}"
    if "device" in shared:
        seller["devices"] = [traits["device"]]
    return seller


def generate(
    n: int,
    *,
    seed: int = 7,
    ring_share: float = 0.1,
    super_addresses: int = 0,
    emulators: int = 0,
) -> World:
    """`n` sellers: about `ring_share` of them in rings of 2 to 12 accounts."""
    rng = random.Random(seed)
    world = World(super_addresses=[_address(rng, "NL") for _ in range(super_addresses)])
    emulator_ids = [f"emulator-{k:04d}" for k in range(emulators)]
    order = list(range(n))
    rng.shuffle(order)
    in_rings = int(n * ring_share)
    ring = 0
    position = 0
    while position < in_rings:
        size = min(rng.randint(2, 12), in_rings - position)
        traits = {
            "iban": _iban(rng),
            "phone": "6" + _national_phone(rng)[1:],
            "address": _address(rng, "FR"),
            "company": f"{_word(rng).title()} Trading",
            "device": f"dev-{rng.getrandbits(48):012x}",
        }
        for index in order[position : position + size]:
            base = _genuine(rng, index, world, emulator_ids)
            world.sellers.append(_ring_member(rng, base, index, traits))
            world.ring_of[world.sellers[-1]["id"]] = ring
        ring += 1
        position += size
    for index in order[in_rings:]:
        world.sellers.append(_genuine(rng, index, world, emulator_ids))
    world.sellers.sort(key=lambda s: s["id"])
    return world
