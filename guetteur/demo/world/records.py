"""World objects as FORMATS.md lines and truth rows."""

from __future__ import annotations

from typing import Any

import phonenumbers

from guetteur.demo.world.model import Brand, Product, Ring, Seller, iso
from guetteur.demo.world.supernodes import address_label


def brand_record(brand: Brand, seller_ids: dict[int, str]) -> dict[str, Any]:
    """The brands.jsonl line."""
    return {
        "id": brand.id,
        "name": brand.name,
        "aliases": brand.aliases,
        "categories": brand.categories,
        "authorized_sellers": sorted(seller_ids[key] for key in brand.authorised),
        "official_images": [brand.logo, *(p.image for p in brand.products[:3])],
        "countries_of_manufacture": brand.countries,
    }


def product_record(brand: Brand, product: Product) -> dict[str, Any]:
    """The products.jsonl line."""
    return {
        "id": product.id,
        "brand_id": brand.id,
        "gtin": product.gtin,
        "title": product.title,
        "category": product.category,
        "msrp": product.msrp,
        "currency": "EUR",
        "images": [product.image],
    }


def seller_record(seller: Seller) -> dict[str, Any]:
    """The sellers.jsonl line."""
    identity = seller.identity
    return {
        "id": seller.id,
        "display_name": identity.display_name,
        "legal_name": identity.legal_name,
        "registration_number": identity.registration_number,
        "vat_number": identity.vat_number,
        "country": identity.country,
        "email": identity.email,
        "phone": identity.phone,
        "address": identity.address,
        "bank_account": identity.bank_account,
        "devices": identity.devices,
        "ips": identity.ips,
        "kyb_verified": seller.kyb_verified,
        "created_at": iso(seller.created_at),
    }


def seller_truth(seller: Seller) -> dict[str, Any]:
    """What an account really is."""
    return {
        "seller_id": seller.id,
        "kind": seller.kind,
        "counterfeiter": seller.kind in {"ring", "lone", "hijacked"},
        "ring_id": seller.ring_id,
        "hijacked_at": iso(seller.hijacked_at) if seller.hijacked_at else None,
        "active_from": iso(seller.active_from),
        "active_to": iso(seller.active_to),
        "super_nodes": seller.super_nodes,
    }


def ring_truth(ring: Ring, hijacked: list[str]) -> dict[str, Any]:
    """A ring, its accounts and the identifiers they share."""
    e164 = phonenumbers.PhoneNumberFormat.E164
    return {
        "ring_id": ring.id,
        "country": ring.country,
        "base_name": ring.base_name,
        "seller_ids": sorted(member.id for member in ring.members),
        "hijacked_seller_ids": hijacked,
        "party_entities": sorted(
            {m.id for m in ring.members} | ({f"front-{ring.id}"} if ring.front else set())
        ),
        "front_company": ring.front.legal_name if ring.front else None,
        "brands": [f"brand-{i + 1:03d}" for i in ring.brands],
        "tactics": ring.tactics,
        "shared": {
            "phones": [phonenumbers.format_number(p, e164) for p in ring.phones],
            "bank_accounts": ring.banks,
            "devices": ring.devices,
            "ips": ring.ips,
            "addresses": [address_label(a) for a in ring.addresses],
            "emails": ring.emails,
            "registration_number": ring.registration_number,
        },
    }
