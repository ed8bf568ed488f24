"""Customs parties: consignors and importers, including noisy copies of seller identities."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import phonenumbers

from guetteur.demo.world import identifiers as ids
from guetteur.demo.world.model import Identity
from guetteur.demo.world.places import Places, address_variant, legal_name, typo

IMPORT_COUNTRIES = ("FR", "FR", "BE", "NL", "NL", "DE", "ES", "IT")
EXPORT_COUNTRIES = ("CN", "CN", "CN", "JP", "US", "VN", "TW", "KR", "MY", "IN", "TR", "GB")


@dataclass
class Party:
    """A party that appears on declarations, with what it really is."""

    entity_id: str
    record: dict[str, Any]
    ring_id: str | None = None
    seller_id: str | None = None


def eori(rng: random.Random, country: str) -> str:
    """An EORI-shaped number: country code and digits."""
    return country + "".join(rng.choice("0123456789") for _ in range(rng.choice((9, 10, 14))))


def party_from_identity(
    rng: random.Random, identity: Identity, *, noisy: bool, with_eori: bool = False
) -> dict[str, Any]:
    """A declaration party written from an account's identity, retyped if `noisy`."""
    name = identity.legal_name or identity.display_name
    address: dict[str, str | None] = (
        dict(identity.address) if identity.address else {"country": identity.country}
    )
    phone = identity.phone
    if noisy:
        name = _name_noise(rng, name)
        address = address_variant(rng, address) if identity.address else address
        phone = _phone_noise(rng, phone, identity.country)
    return {
        "name": name,
        "address": address,
        "country": identity.country,
        "eori": eori(rng, identity.country) if with_eori else None,
        "phone": phone if rng.random() < 0.7 else None,
        "email": identity.email if rng.random() < 0.5 else None,
    }


def _name_noise(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        return name.upper()
    if roll < 0.5:
        return typo(rng, name)
    if roll < 0.65:
        return name.replace(",", "").replace(".", "")
    return name


def _phone_noise(rng: random.Random, phone: str | None, country: str) -> str | None:
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return phone
    return ids.written_phone(rng, number, country)


class PartyBook:
    """Pools of recurring legitimate parties, and one-off consumers."""

    def __init__(self, rng: random.Random, places: Places, n_importers: int, n_exporters: int):
        self.rng = rng
        self.places = places
        self.importers = [
            self._company(f"importer-{i + 1:04d}", IMPORT_COUNTRIES, True)
            for i in range(n_importers)
        ]
        self.exporters = [
            self._company(f"exporter-{i + 1:04d}", EXPORT_COUNTRIES, False)
            for i in range(n_exporters)
        ]

    def _company(self, entity_id: str, countries: tuple[str, ...], eu: bool) -> Party:
        rng = self.rng
        country = rng.choice(countries)
        base = self.places.company_base(rng, country)
        address = self.places.address(rng, country)
        number = ids.phone_number(rng, country)
        record = {
            "name": legal_name(rng, base, country),
            "address": address,
            "country": country,
            "eori": eori(rng, country) if eu or rng.random() < 0.3 else None,
            "phone": ids.format_phone(number, "international"),
            "email": ids.email(rng, base, country),
        }
        return Party(entity_id=entity_id, record=record)

    def consumer(self, office_country: str, tag: str) -> Party:
        """A private buyer living in the office's country."""
        rng = self.rng
        country = office_country if rng.random() < 0.85 else rng.choice(IMPORT_COUNTRIES)
        record = {
            "name": self.places.person(country),
            "address": self.places.address(rng, country),
            "country": country,
            "eori": None,
            "phone": None,
            "email": None,
        }
        return Party(entity_id=f"consumer-{tag}", record=record)
