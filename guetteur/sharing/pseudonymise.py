"""Keyed tokens over normalised identifiers, and Bloom-filter (CLK) encodings for fuzzy matching.

Both nodes normalise with `guetteur.actors.normalise` and key HMAC-SHA256 with the agreement's
token key, so equal identifiers give equal tokens on both sides and nothing else can be learnt
from a token without the key (phones, IBANs and postcodes are enumerable: never plain hashes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from guetteur.actors import normalise

TOKEN_FIELDS = ("name", "phone", "email", "address", "bank_account", "registration_number")
CLK_FIELDS = ("name", "address")
CLK_BITS = 1024
CLK_HASHES = 10
DICE_THRESHOLD = 0.8


@dataclass(frozen=True)
class Party:
    """The identifiers of one party (a seller, an importer, a consignor), as typed."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: dict[str, Any] | None = None
    bank_account: str | None = None
    registration_number: str | None = None
    country: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def normalised(party: Party) -> dict[str, str]:
    """Each identifier in its canonical form (fields that normalise to nothing are left out)."""
    country = party.country
    values = {
        "name": normalise.company_name(party.name),
        "phone": normalise.phone(party.phone, country),
        "email": normalise.email(party.email),
        "address": normalise.address_key(party.address, country),
        "bank_account": normalise.bank_account(party.bank_account),
        "registration_number": normalise.registration_number(party.registration_number, country),
    }
    return {k: v for k, v in values.items() if v}


def token(key: bytes, field_name: str, value: str) -> str:
    """The keyed token of one normalised identifier (hex HMAC-SHA256, field-separated)."""
    message = field_name.encode() + b"\x1f" + value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tokens(key: bytes, party: Party, fields: tuple[str, ...] = TOKEN_FIELDS) -> dict[str, str]:
    """Tokens of the party's identifiers named in `fields`."""
    return {f: token(key, f, v) for f, v in normalised(party).items() if f in fields}


def bigrams(text: str) -> set[str]:
    """The padded character bigrams of a normalised string (the usual CLK q-grams)."""
    padded = f"_{text}_"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def clk(key: bytes, field_name: str, value: str) -> str:
    """A keyed Bloom-filter encoding of a string (Schnell et al.'s CLK, double hashing)."""
    bits = bytearray(CLK_BITS // 8)
    prefix = field_name.encode() + b"\x1e"
    for gram in bigrams(value):
        digest = hmac.new(key, prefix + gram.encode(), hashlib.sha256).digest()
        h1 = int.from_bytes(digest[:8], "big")
        h2 = int.from_bytes(digest[8:16], "big") | 1
        for i in range(CLK_HASHES):
            position = (h1 + i * h2) % CLK_BITS
            bits[position // 8] |= 1 << (position % 8)
    return base64.b64encode(bytes(bits)).decode("ascii")


def clks(key: bytes, party: Party, fields: tuple[str, ...] = CLK_FIELDS) -> dict[str, str]:
    """CLK encodings of the party's name and address (as allowed by `fields`)."""
    values = normalised(party)
    if "address" in values:
        values["address"] = values["address"].split(" ", 1)[-1]  # words only: postcode is exact
    return {f: clk(key, f, values[f]) for f in fields if f in values}


def dice(a: str, b: str) -> float:
    """The Dice coefficient of two CLK encodings (1.0 for identical sets of q-grams)."""
    x = int.from_bytes(base64.b64decode(a), "big")
    y = int.from_bytes(base64.b64decode(b), "big")
    total = x.bit_count() + y.bit_count()
    return 0.0 if total == 0 else 2 * (x & y).bit_count() / total


def seller_party(seller: Any) -> Party:
    """The identifiers of a marketplace seller row."""
    return Party(
        name=seller.legal_name or seller.display_name,
        phone=seller.phone,
        email=seller.email,
        address=seller.address,
        bank_account=seller.bank_account,
        registration_number=seller.registration_number,
        country=seller.country,
    )


def declaration_party(party: dict[str, Any] | None) -> Party:
    """The identifiers of a declaration's importer or consignor (FORMATS: party objects)."""
    party = party or {}
    address = party.get("address")
    return Party(
        name=party.get("name"),
        phone=party.get("phone"),
        email=party.get("email"),
        address=address if isinstance(address, dict) else None,
        bank_account=party.get("bank_account"),
        registration_number=party.get("eori") or party.get("registration_number"),
        country=party.get("country"),
    )
