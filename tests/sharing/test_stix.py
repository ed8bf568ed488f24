"""STIX mapping: everything we emit passes stix2-validator; ids are deterministic; policies hold."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import stix2
from stix2validator import ValidationOptions, validate_string

from guetteur.sharing import stix
from guetteur.sharing.stix_ext import EXT_PROPERTIES

NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
FIELDS = {"name": "token", "phone": "token", "email": "withheld", "address": "token",
          "bank_account": "clear", "account_id": "token"}  # fmt: skip


def _ctx(fields: dict[str, str] | None = None) -> stix.Context:
    return stix.Context(
        node="mkt", organisation="market", organisation_name="Market", agreement_id="a-1",
        fields=fields or FIELDS, token_key=b"k" * 32, fuzzy=True, purpose="IP enforcement",
        legal_basis="GDPR Art. 6(1)(c)",
    )  # fmt: skip


def _seller() -> SimpleNamespace:
    return SimpleNamespace(
        id="S1", legal_name="Acme Ltd", display_name="acme", phone="+33612345678",
        email="secret.person@mail.example", registration_number="RCS 123",
        address={"line1": "1 rue X", "city": "Paris", "postcode": "75001", "country": "FR"},
        bank_account="FR7630006000011234567890189", country="FR", created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def everything(ctx: stix.Context) -> list[Any]:
    """One of each kind of object we emit."""
    seller = stix.seller(ctx, _seller(), {"confirmed_counterfeit_listings": 3})
    network = stix.network(ctx, "N1", [seller], NOW)
    listing = stix.listing(
        ctx,
        SimpleNamespace(
            id="L1", title="Fake bag", price=Decimal("12.5"), currency="EUR", brand_id="acme",
            category="bags", ships_from="CN", status="blocked", created_at=NOW, updated_at=NOW,
        ),
        seller.objects[0].id,
    )  # fmt: skip
    declaration = stix.declaration(
        ctx,
        SimpleNamespace(
            id="D1", consignor={"name": "Acme Ltd", "phone": "0612345678", "country": "FR"},
            importer={"name": "Imp SARL", "country": "FR"}, lodged_at=NOW, updated_at=NOW,
            hs_code="4202", origin_country="CN", transport_mode="air", quantity=3,
            declared_value=Decimal("10"), currency="EUR",
        ),
    )  # fmt: skip
    consignor = declaration.objects[0].id
    detention = stix.detention(
        ctx,
        SimpleNamespace(
            id=7, detained_on=date(2026, 1, 2), created_at=NOW, updated_at=NOW,
            procedure="standard", status="notified", units=40, brand_id="acme",
            due_on=date(2026, 1, 16), outcome=None, member_state="FR",
        ),
        consignor,
    )  # fmt: skip
    seizure = stix.seizure(
        ctx, "lot-1", sighted_ref=consignor, seized_on=date(2026, 1, 3), units=40, modified=NOW
    )
    purchase = stix.test_purchase(
        ctx, "tp-1", listing_ref=listing.objects[0].id, bought_on=date(2026, 1, 3),
        result="counterfeit", modified=NOW,
    )  # fmt: skip
    mapped = [network, listing, declaration, detention, seizure, purchase]
    return [*stix.preamble(ctx), *(o for m in mapped for o in m.objects)]


def test_every_object_passes_the_validator_with_no_error() -> None:
    objects = [stix.as_dict(o) for o in everything(_ctx())]
    bundle = {
        "type": "bundle",
        "id": "bundle--2f2d4b6c-1b0a-4c3e-9f8e-7d6c5b4a3f2e",
        "objects": objects,
    }
    # strict: SHOULDs are errors too, except 103 (UUIDv4): our ids are UUIDv5 on purpose
    options = ValidationOptions(version="2.1", strict=True, enforce_refs=True, disabled=["103"])
    result = validate_string(json.dumps(bundle), options)
    assert result.is_valid, [str(e) for e in result.errors]
    lenient = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    assert lenient.is_valid and not lenient.errors
    types = {o["type"] for o in objects}
    expected = {"identity", "grouping", "counterfeit-listing", "customs-declaration", "incident"}
    expected |= {"sighting", "relationship", "marking-definition", "extension-definition"}
    assert expected <= types
    for obj in objects:
        stix2.parse(obj, allow_custom=False)


def test_ids_are_deterministic_and_policies_are_applied() -> None:
    first = [stix.as_dict(o) for o in everything(_ctx())]
    again = [stix.as_dict(o) for o in everything(_ctx())]
    assert first == again
    text = json.dumps(first)
    assert "secret.person" not in text  # e-mail withheld: neither clear nor token
    assert "+33612345678" not in text  # phone: token only
    seller = next(
        o for o in first if o.get("extensions", {}).get(EXT_PROPERTIES, {}).get("kind") == "seller"
    )
    ext = seller["extensions"][EXT_PROPERTIES]
    assert set(ext["tokens"]) == {"name", "phone", "address"}
    assert ext["clear"] == {"bank_account": "FR7630006000011234567890189"}
    assert "email" not in ext["tokens"] and "email" not in ext["clear"]
    assert set(ext["clk"]) == {"name", "address"}
    assert ext["local_id"] != "S1" and "Acme" not in seller["name"]
    assert (
        seller["object_marking_refs"][0]
        == "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    )
    other = stix.Context(**{**_ctx().__dict__, "node": "other"})
    static = {o["id"] for o in first if o["type"] in ("extension-definition", "marking-definition")}
    static.add("identity--8d2f0c1e-6b3a-5c55-9a51-4f7c3e6a2b10")
    theirs = {o["id"] for o in (stix.as_dict(x) for x in everything(other))}
    assert theirs.isdisjoint({o["id"] for o in first} - static)


def test_our_extensions_follow_their_published_schemas() -> None:
    import jsonschema

    docs = Path(__file__).resolve().parents[2] / "docs" / "stix"
    schemas = {p.stem: json.loads(p.read_text()) for p in docs.glob("*.json")}
    objects = [stix.as_dict(o) for o in everything(_ctx())]
    for obj in objects:
        ext = obj.get("extensions", {}).get(EXT_PROPERTIES)
        if ext is not None:
            jsonschema.validate(ext, schemas["guetteur-counterfeit"])
        if obj["type"] in schemas:
            jsonschema.validate(obj, schemas[obj["type"]])
