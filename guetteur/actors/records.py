"""Linkage records: one normalised row per seller account or declaration party.

A record carries the comparison columns the probabilistic model reads, and the identifiers
(devices, IPs) that only the exact-identifier graph uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

import pyarrow as pa

from guetteur.actors import normalise as norm

SELLER = "seller"
PARTY = "party"
PARTY_ROLES = ("importer", "consignor")

# Columns the Splink model compares (all nullable strings).
COMPARED = (
    "name",
    "company",
    "address_key",
    "postcode",
    "phone",
    "email",
    "bank",
    "registration",
)
# Identifiers that link accounts exactly when shared (graph edges), and where they come from.
EXACT_IDENTIFIERS = ("bank", "phone", "email", "registration", "vat", "address_key")
LIST_IDENTIFIERS = ("device", "ip")
# Values checked for super-nodes: the identifiers plus the other blocking keys.
SUPER_NODE_KINDS = (*EXACT_IDENTIFIERS, "company", "name_block", *LIST_IDENTIFIERS)
IDENTIFIER_LABELS = {
    "bank": "bank account",
    "phone": "phone",
    "email": "e-mail",
    "registration": "registration number",
    "vat": "VAT number",
    "address_key": "address",
    "device": "device",
    "ip": "IP address",
}


@dataclass(slots=True)
class LinkRecord:
    """One account or party, normalised for linkage (treated as immutable: see `without`).

    Not a frozen dataclass only because frozen construction is three times slower, which shows
    on a million records.
    """

    unique_id: str
    kind: str
    created_at: str
    name: str | None = None
    company: str | None = None
    address_key: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    bank: str | None = None
    registration: str | None = None
    vat: str | None = None
    name_block: str | None = None
    devices: tuple[str, ...] = field(default=())
    ips: tuple[str, ...] = field(default=())

    def identifiers(self, kinds: tuple[str, ...] = EXACT_IDENTIFIERS) -> Iterable[tuple[str, str]]:
        """Every (identifier kind, value) the record holds (scalar kinds, devices, IPs)."""
        for kind in kinds:
            value = getattr(self, kind)
            if value:
                yield kind, value
        for device in self.devices:
            yield "device", device
        for ip in self.ips:
            yield "ip", ip

    def without(self, excluded: Mapping[str, frozenset[str]]) -> LinkRecord:
        """The record with super-node values removed (they neither block nor score)."""
        changes: dict[str, Any] = {}
        for kind in (*EXACT_IDENTIFIERS, "company", "name_block"):
            value = getattr(self, kind)
            if value and value in excluded.get(kind, frozenset()):
                changes[kind] = None
        for kind, attr in (("device", "devices"), ("ip", "ips")):
            values = getattr(self, attr)
            bad = excluded.get(kind, frozenset())
            if bad and any(v in bad for v in values):
                changes[attr] = tuple(v for v in values if v not in bad)
        return replace(self, **changes) if changes else self

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (lists for the identifier tuples), for JSON and the store."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["devices"], out["ips"] = list(self.devices), list(self.ips)
        return out

    def entity_key(self) -> str:
        """Who holds the record: the account, or for a party its normalised company name.

        A trader named on many declarations (with or without its e-mail, in capitals or not)
        is one entity when super-node degrees are counted.
        """
        if self.kind != PARTY:
            return self.unique_id
        return "party:" + (self.company or self.address_key or self.unique_id)

    def as_tuple(self) -> tuple[Any, ...]:
        """The fields in order (cheap to pickle between processes); `LinkRecord(*t)` rebuilds."""
        values: tuple[Any, ...] = _FIELDS_GETTER(self)
        return values

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkRecord:
        """The inverse of `as_dict`."""
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        values["devices"] = tuple(data.get("devices") or ())
        values["ips"] = tuple(data.get("ips") or ())
        return cls(**values)


_FIELDS_GETTER = attrgetter(*(f.name for f in fields(LinkRecord)))


def name_block(name: str | None, code: str | None) -> str | None:
    """Blocking key: the first four letters of the name within one postcode."""
    return f"{code}|{name[:4]}" if name and code else None


def _postcode(address: Mapping[str, Any] | None, country: str | None) -> str | None:
    if not address:
        return None
    return norm.postcode(address.get("postcode"), address.get("country") or country)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value or "")


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(sorted({str(v).strip() for v in values or () if v and str(v).strip()}))


def from_seller(seller: Mapping[str, Any]) -> LinkRecord:
    """A seller (a sellers.jsonl object, or `seller_fields` of a stored one) as a record."""
    country = seller.get("country")
    address = seller.get("address") or None
    name = norm.company_name(seller.get("display_name"))
    code = _postcode(address, country)
    return LinkRecord(
        unique_id=str(seller["id"]),
        kind=SELLER,
        created_at=_iso(seller.get("created_at")),
        name=name,
        company=norm.company_name(seller.get("legal_name")),
        address_key=norm.address_key(address, country, code=code),
        postcode=code,
        name_block=name_block(name, code),
        phone=norm.phone(seller.get("phone"), country),
        email=norm.email(seller.get("email")),
        bank=norm.bank_account(seller.get("bank_account")),
        registration=norm.registration_number(seller.get("registration_number"), country),
        vat=norm.vat_number(seller.get("vat_number"), country),
        devices=_strings(seller.get("devices")),
        ips=_strings(seller.get("ips")),
    )


def party_id(declaration_id: str, role: str) -> str:
    """The member id of a declaration party, as FORMATS.md writes it."""
    return f"{declaration_id}:{role}"


def from_party(
    declaration_id: str, role: str, party: Mapping[str, Any], lodged_at: Any = None
) -> LinkRecord:
    """An importer or consignor of a declaration (a declarations.jsonl party object) as a record."""
    if role not in PARTY_ROLES:
        raise ValueError(f"unknown party role {role!r}")
    address = party.get("address") or None
    country = party.get("country") or (address or {}).get("country")
    name = norm.company_name(party.get("name"))
    code = _postcode(address, country)
    return LinkRecord(
        unique_id=party_id(declaration_id, role),
        kind=PARTY,
        created_at=_iso(lodged_at),
        name=name,
        company=name,
        address_key=norm.address_key(address, country),
        postcode=code,
        name_block=name_block(name, code),
        phone=norm.phone(party.get("phone"), country),
        email=norm.email(party.get("email")),
        registration=norm.registration_number(party.get("eori"), "EORI"),
    )


def seller_fields(seller: Any) -> dict[str, Any]:
    """The FORMATS fields of a stored `marketplace.models.Seller` (read-only)."""
    names = [
        "id",
        "display_name",
        "legal_name",
        "registration_number",
        "vat_number",
        "country",
        "email",
        "phone",
        "address",
        "bank_account",
        "devices",
        "ips",
        "created_at",
    ]
    return {name: getattr(seller, name) for name in names}


def to_arrow(records: Iterable[LinkRecord]) -> pa.Table:
    """The records' compared columns (plus `unique_id` and `name_block`) as an Arrow table."""
    rows = list(records)
    columns: dict[str, list[str | None]] = {"unique_id": [r.unique_id for r in rows]}
    for name in COMPARED:
        columns[name] = [getattr(r, name) for r in rows]
    columns["name_block"] = [r.name_block for r in rows]
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
