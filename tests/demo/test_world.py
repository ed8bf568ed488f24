"""The demo world generator: deterministic, FORMATS-shaped, consistent, not trivially labelled."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
import typer
from typer.testing import CliRunner

from guetteur.demo import generate_cli
from guetteur.demo.world import WorldSummary, generate
from guetteur.demo.world.brands import gtin_check_digit

SCALE = 0.05
FORMAT_FILES = (
    "brands", "products", "sellers", "listings", "verdicts", "notices", "declarations",
    "inspections",
)  # fmt: skip


# --- helpers ----------------------------------------------------------------------------------


def lines(folder: Path, name: str) -> Iterator[dict[str, Any]]:
    with (folder / f"{name}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def rows(folder: Path, name: str) -> list[dict[str, Any]]:
    return list(lines(folder, name))


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def is_time(value: Any) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        return False
    return datetime.fromisoformat(value).tzinfo is not None


def is_country(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) is not None


def is_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def opt(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def str_list(value: Any) -> bool:
    return isinstance(value, list) and all(is_str(v) for v in value)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_currency(value: Any) -> bool:
    return value in {"EUR", "GBP", "USD"}


def is_address(value: Any) -> bool:
    keys = {"line1", "line2", "city", "postcode", "country"}
    return isinstance(value, dict) and set(value) <= keys and opt(is_country)(value.get("country"))


def is_party(value: Any) -> bool:
    keys = {"name", "address", "country", "eori", "phone", "email"}
    return (
        isinstance(value, dict)
        and set(value) == keys
        and is_str(value["name"])
        and is_address(value["address"])
        and is_country(value["country"])
        and all(opt(is_str)(value[k]) for k in ("eori", "phone", "email"))
    )


def is_gtin(value: Any) -> bool:
    return isinstance(value, str) and value.isdigit() and gtin_check_digit(value[:-1]) == value[-1]


FIELDS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "brands": {
        "id": is_str, "name": is_str, "aliases": str_list, "categories": str_list,
        "authorized_sellers": str_list, "official_images": str_list,
        "countries_of_manufacture": lambda v: isinstance(v, list) and all(map(is_country, v)),
    },
    "products": {
        "id": is_str, "brand_id": is_str, "gtin": is_gtin, "title": is_str, "category": is_str,
        "msrp": is_number, "currency": is_currency, "images": str_list,
    },
    "sellers": {
        "id": is_str, "display_name": is_str, "legal_name": opt(is_str),
        "registration_number": opt(is_str), "vat_number": opt(is_str), "country": is_country,
        "email": opt(is_str), "phone": opt(is_str), "address": opt(is_address),
        "bank_account": opt(is_str), "devices": str_list, "ips": str_list,
        "kyb_verified": lambda v: isinstance(v, bool), "created_at": is_time,
    },
    "listings": {
        "id": is_str, "seller_id": is_str, "created_at": is_time, "title": is_str,
        "description": lambda v: isinstance(v, str), "brand": opt(is_str), "category": is_str,
        "price": is_number, "currency": is_currency, "images": str_list, "ships_from": is_country,
        "quantity": is_int, "gtin": opt(is_str),
    },
    "verdicts": {
        "listing_id": is_str, "verdict": lambda v: v in {"counterfeit", "genuine"},
        "source": lambda v: v in {"review", "notice", "test_buy", "seizure"}, "decided_at": is_time,
    },
    "notices": {
        "id": is_str, "brand_id": is_str, "listing_id": is_str,
        "reason": lambda v: v in {"counterfeit", "trademark", "copyright", "design"},
        "submitted_at": is_time, "details": opt(is_str),
    },
    "declarations": {
        "id": is_str, "lodged_at": is_time,
        "office": lambda v: bool(re.fullmatch(r"[A-Z]{2}\d{6}", v)),
        "declarant_id": is_str, "importer": is_party, "consignor": is_party,
        "hs_code": lambda v: bool(re.fullmatch(r"\d{6,10}", v)), "description": is_str,
        "origin_country": is_country, "quantity": is_int, "gross_weight_kg": is_number,
        "declared_value": is_number, "currency": is_currency,
        "transport_mode": lambda v: v in {"postal", "express", "air", "sea", "road", "rail"},
        "seller_ref": opt(is_str),
    },
    "inspections": {
        "declaration_id": is_str, "inspected_at": is_time,
        "outcome": lambda v: v in {"clear", "ipr_suspected", "other_fraud"},
        "brand_id": opt(is_str), "units": opt(is_int), "revenue": opt(is_number),
    },
}  # fmt: skip


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldSummary]:
    folder = tmp_path_factory.mktemp("world")
    return folder, generate(folder, scale=SCALE, seed=11)


@pytest.fixture(scope="module")
def folder(world: tuple[Path, WorldSummary]) -> Path:
    return world[0]


# --- tests ------------------------------------------------------------------------------------


def test_same_seed_same_world(world: tuple[Path, WorldSummary], tmp_path: Path) -> None:
    folder, summary = world
    again = generate(tmp_path / "again", scale=SCALE, seed=11)
    assert again.counts == summary.counts
    assert digest(tmp_path / "again") == digest(folder)
    other = generate(tmp_path / "other", scale=SCALE, seed=12)
    assert digest(tmp_path / "other")["listings.jsonl"] != digest(folder)["listings.jsonl"]
    assert other.counts["listings"] == summary.counts["listings"]


def test_every_file_and_count(world: tuple[Path, WorldSummary]) -> None:
    folder, summary = world
    for name in FORMAT_FILES:
        assert summary.counts[name] == sum(1 for _ in lines(folder, name)), name
        assert summary.counts[name] > 0, name
    assert summary.counts["listings"] == round(30_000 * SCALE)
    meta = json.loads((folder / "truth" / "world.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 11 and meta["counts"]["listings"] == summary.counts["listings"]


@pytest.mark.parametrize("name", FORMAT_FILES)
def test_every_line_matches_formats(folder: Path, name: str) -> None:
    fields = FIELDS[name]
    ids: set[str] = set()
    for number, record in enumerate(lines(folder, name), start=1):
        assert set(record) == set(fields), (name, number)
        bad = [field for field, check in fields.items() if not check(record[field])]
        assert not bad, (name, number, bad, {f: record[f] for f in bad})
        if "id" in record:
            assert record["id"] not in ids, (name, number)
            ids.add(record["id"])


@pytest.mark.parametrize("name", FORMAT_FILES)
def test_every_line_passes_the_import_schema(folder: Path, name: str) -> None:
    from guetteur.interchange.kinds import KINDS

    schema = KINDS[name].schema
    with (folder / f"{name}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            schema.model_validate_json(line)


def test_references_resolve_and_images_exist(folder: Path) -> None:
    sellers = {r["id"] for r in lines(folder, "sellers")}
    brands = {r["id"]: r for r in lines(folder, "brands")}
    listings = {r["id"]: r for r in lines(folder, "listings")}
    declarations = {r["id"] for r in lines(folder, "declarations")}
    images: set[str] = set()
    for brand in brands.values():
        assert set(brand["authorized_sellers"]) <= sellers
        images.update(brand["official_images"])
    for product in lines(folder, "products"):
        assert product["brand_id"] in brands
        images.update(product["images"])
    for listing in listings.values():
        assert listing["seller_id"] in sellers
        images.update(listing["images"])
    assert images and all((folder / path).is_file() for path in images)
    for notice in lines(folder, "notices"):
        assert notice["brand_id"] in brands and notice["listing_id"] in listings
    for decl in lines(folder, "declarations"):
        assert decl["seller_ref"] is None or decl["seller_ref"] in sellers
    for inspection in lines(folder, "inspections"):
        assert inspection["declaration_id"] in declarations
        assert inspection["outcome"] != "ipr_suspected" or inspection["brand_id"] in brands
    truth = {r["listing_id"] for r in lines(folder, "truth/listings")}
    assert truth == set(listings)


def test_times_are_ordered_and_spread_over_a_year(folder: Path) -> None:
    listings = {r["id"]: r["created_at"] for r in lines(folder, "listings")}
    times = list(listings.values())
    assert times == sorted(times)
    assert len({t[:7] for t in times}) == 12
    for verdict in lines(folder, "verdicts"):
        assert verdict["decided_at"] > listings[verdict["listing_id"]]
    for notice in lines(folder, "notices"):
        assert notice["submitted_at"] > listings[notice["listing_id"]]
    lodged = {r["id"]: r["lodged_at"] for r in lines(folder, "declarations")}
    for inspection in lines(folder, "inspections"):
        assert inspection["inspected_at"] > lodged[inspection["declaration_id"]]


def _keys(seller: dict[str, Any]) -> set[str]:
    keys = {f"device:{d}" for d in seller["devices"]}
    if seller["bank_account"]:
        keys.add("bank:" + seller["bank_account"].replace(" ", ""))
    if seller["phone"]:
        number = phonenumbers.parse(seller["phone"], seller["country"])
        keys.add("phone:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return keys


def test_ring_members_share_noisy_identifiers(folder: Path) -> None:
    sellers = {r["id"]: r for r in lines(folder, "sellers")}
    rings = rows(folder, "truth/rings")
    assert len(rings) >= 3
    for ring in rings:
        shared = ring["shared"]
        ring_keys = {f"device:{d}" for d in shared["devices"]}
        ring_keys |= {f"bank:{b}" for b in shared["bank_accounts"]}
        ring_keys |= {f"phone:{p}" for p in shared["phones"]}
        postcodes_and_cities = {a.split(" | ")[1].lower() for a in shared["addresses"]}
        for member in ring["seller_ids"]:
            seller = sellers[member]
            city = ((seller["address"] or {}).get("city") or "").lower()
            assert _keys(seller) & ring_keys or city in postcodes_and_cities, member
    phones = [sellers[m]["phone"] for r in rings for m in r["seller_ids"] if sellers[m]["phone"]]
    assert len({p[:3] for p in phones}) > 1, "phones are written in several formats"


def test_ring_members_appear_on_declarations(folder: Path) -> None:
    parties = [p for p in lines(folder, "truth/parties") if p["ring_id"]]
    assert parties
    assert {p["member_id"].rsplit(":", 1)[1] for p in parties} >= {"consignor"}
    truth = rows(folder, "truth/declarations")
    assert any(d["counterfeit"] for d in truth) and not all(d["counterfeit"] for d in truth)
    outcomes = {r["outcome"] for r in lines(folder, "inspections")}
    assert outcomes == {"clear", "ipr_suspected", "other_fraud"}


def test_no_single_field_is_a_perfect_label(folder: Path) -> None:
    sellers = {r["id"]: r for r in lines(folder, "sellers")}
    truth = {r["listing_id"]: r for r in lines(folder, "truth/listings")}
    tactics = {t["tactic"] for t in truth.values() if t["label"] == "counterfeit"}
    assert tactics == {"blatant", "obfuscated", "super_fake", "quiet", "hijacked"}
    kyb = {(t["label"], sellers[t["seller_id"]]["kyb_verified"]) for t in truth.values()}
    assert len(kyb) == 4
    official = {(t["label"]) for t in truth.values() if "official" in t["image_sources"]}
    assert official == {"counterfeit", "genuine"}
    ships = {(t["label"], rec["ships_from"]) for t, rec in _with_records(folder, truth)}
    assert ("genuine", "CN") in ships
    assert {("counterfeit", c) for c in ("FR", "DE", "ES", "IT")} & ships
    nodes = rows(folder, "truth/super_nodes")
    assert max(n["accounts"] for n in nodes) >= 5


def _with_records(
    folder: Path, truth: dict[str, dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for record in lines(folder, "listings"):
        yield truth[record["id"]], record


def test_fallback_vocabulary_without_catalogue(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    summary = generate(tmp_path / "w", scale=0.02, seed=3, catalog_dir=empty)
    assert summary.catalog_source == "fallback vocabulary"
    brands = rows(tmp_path / "w", "brands")
    assert brands and all(is_gtin(p["gtin"]) for p in lines(tmp_path / "w", "products"))


def test_cli_world_command(tmp_path: Path) -> None:
    app = typer.Typer()
    generate_cli.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command, so `world` stays a named sub-command
        """Nothing."""

    result = CliRunner().invoke(
        app, ["world", str(tmp_path / "w"), "--scale", "0.01", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "listings.jsonl").is_file()
    assert (tmp_path / "w" / "truth" / "world.json").is_file()
