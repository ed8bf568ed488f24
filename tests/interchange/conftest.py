"""A small interchange folder written by hand, the way a partner would hand it over."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

BRANDS = [
    {
        "id": "b-acme",
        "name": "Acme",
        "aliases": ["ACME Corp"],
        "categories": ["sneakers"],
        "authorized_sellers": ["s-official"],
        "official_images": ["images/acme.png"],
        "countries_of_manufacture": ["VN", "PT"],
    },
    {
        "id": "b-lumen",
        "name": "Lumen Beauté",
        "aliases": [],
        "categories": ["cosmetics"],
        "authorized_sellers": [],
        "official_images": [],
    },
]
PRODUCTS = [
    {
        "id": "p-1",
        "brand_id": "b-acme",
        "gtin": "4006381333931",
        "title": "Acme Runner 2",
        "category": "sneakers",
        "msrp": 129.99,
        "currency": "EUR",
        "images": ["images/acme.png"],
    },
    {
        "id": "p-2",
        "brand_id": "b-lumen",
        "gtin": None,
        "title": "Lumen night cream",
        "category": "cosmetics",
        "msrp": 45,
        "currency": "EUR",
        "images": [],
    },
]
SELLERS = [
    {
        "id": "s-official",
        "display_name": "Acme Official",
        "legal_name": "Acme GmbH",
        "country": "DE",
        "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postcode": "10115", "country": "DE"},
        "kyb_verified": True,
        "created_at": "2024-01-02T10:00:00Z",
    },
    {
        "id": "s-cheap",
        "display_name": "cheap-kicks-4u",
        "country": "CN",
        "phone": "+86 138 0013 8000",
        "devices": ["dev-1"],
        "ips": ["203.0.113.7"],
        "kyb_verified": False,
        "created_at": "2025-02-01T08:30:00+08:00",
        "loyalty_tier": "gold",
    },
]
LISTINGS = [
    {
        "id": "l-1",
        "seller_id": "s-official",
        "created_at": "2025-03-01T09:00:00Z",
        "title": "Acme Runner 2, new",
        "description": "",
        "brand": "acme",
        "category": "sneakers",
        "price": 129.99,
        "currency": "EUR",
        "images": ["images/acme.png"],
        "ships_from": "DE",
        "quantity": 10,
        "gtin": "4006381333931",
    },
    {
        "id": "l-2",
        "seller_id": "s-cheap",
        "created_at": "2025-03-02T09:00:00Z",
        "title": "ACME runner 2 top quality",
        "description": "best price",
        "brand": "  ACME   corp ",
        "category": "sneakers",
        "price": 19.5,
        "currency": "USD",
        "images": ["images/missing.png", "https://example.com/x.jpg"],
        "ships_from": "CN",
        "quantity": 500,
        "gtin": "12345",
    },
    {
        "id": "l-3",
        "seller_id": "s-cheap",
        "created_at": "2025-03-03T09:00:00Z",
        "title": "Phone case",
        "description": "case compatible with many phones",
        "brand": None,
        "category": "phone_accessories",
        "price": 3,
        "currency": "USD",
        "images": [],
        "ships_from": "CN",
        "quantity": 1000,
    },
]
VERDICTS = [
    {
        "listing_id": "l-2",
        "verdict": "counterfeit",
        "source": "review",
        "decided_at": "2025-03-05T10:00:00Z",
    },
    {
        "listing_id": "l-1",
        "verdict": "genuine",
        "source": "review",
        "decided_at": "2025-03-05T10:00:00Z",
    },
]
NOTICES = [
    {
        "id": "n-1",
        "brand_id": "b-acme",
        "listing_id": "l-2",
        "reason": "counterfeit",
        "submitted_at": "2025-03-04T12:00:00Z",
        "details": "fake logo",
    }
]
WORLD: dict[str, list[dict[str, Any]]] = {
    "brands": BRANDS,
    "products": PRODUCTS,
    "sellers": SELLERS,
    "listings": LISTINGS,
    "verdicts": VERDICTS,
    "notices": NOTICES,
}


def write_jsonl(path: Path, rows: list[Any], *, gz: bool = False) -> Path:
    """Write rows (objects, or raw strings written as they are) as JSON Lines."""
    text = "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    )
    data = text.encode()
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def write_world(folder: Path, *, gz: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "images").mkdir(exist_ok=True)
    Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "images" / "acme.png")
    for kind, rows in WORLD.items():
        write_jsonl(folder / f"{kind}.jsonl", rows, gz=kind in gz)
    return folder


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A valid folder of the six kinds, one image, listings' gzipped."""
    return write_world(tmp_path / "world", gz=("listings",))
