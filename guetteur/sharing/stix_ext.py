"""Our published STIX 2.1 extension definitions, TLP 2.0 markings and the agreement marking.

`guetteur-counterfeit` (a property extension) carries what is specific to counterfeiting: the kind
of object, pseudonymous tokens, Bloom-filter encodings, clear fields an agreement allows, domain
attributes, and the expiry the agreement sets. two new-SDO extensions define
`counterfeit-listing` and `customs-declaration`. Both are registered with `stix2` at import.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import stix2
from stix2 import properties as p

NAMESPACE = uuid.UUID("8d2f0c1e-6b3a-5c55-9a51-4f7c3e6a2b10")
SCHEMA_BASE = "https://github.com/guetteur/guetteur/blob/main/docs/stix"
EXT_PROPERTIES = "extension-definition--6f1f3c1a-2d0b-4e47-9f5e-8a0c2b7d4e11"
EXT_LISTING = "extension-definition--0b7a9d52-91c4-4e1d-b3a6-5c2e8f17d903"
EXT_DECLARATION = "extension-definition--5e3d1c84-7a2f-4b9e-a0d6-19c8f2e7b451"
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_CREATED = "2022-10-01T00:00:00.000Z"
TLP_AUTHOR = "identity--e828b379-4e03-4974-9ac4-e53a884c97c1"
PUBLISHED = "2026-11-01T00:00:00.000Z"
PROJECT_IDENTITY = "identity--8d2f0c1e-6b3a-5c55-9a51-4f7c3e6a2b10"
# The same on every node: accepted from anyone, owned by no partner.
STATIC_IDS = frozenset(
    {*TLP_IDS.values(), PROJECT_IDENTITY, EXT_PROPERTIES, EXT_LISTING, EXT_DECLARATION}
)


@stix2.v21.CustomExtension(
    EXT_PROPERTIES,
    [
        ("kind", p.StringProperty(required=True)),
        ("local_id", p.StringProperty()),
        ("tokens", p.DictionaryProperty()),
        ("clear", p.DictionaryProperty()),
        ("clk", p.DictionaryProperty()),
        ("attributes", p.DictionaryProperty()),
        ("agreement_id", p.StringProperty()),
        ("purpose", p.StringProperty()),
        ("legal_basis", p.StringProperty()),
        ("retention_days", p.IntegerProperty(min=0)),
        ("onward_sharing", p.BooleanProperty()),
        ("expires", p.TimestampProperty()),
    ],
)
class CounterfeitExtension:
    """Counterfeit-specific properties on standard objects (and on our agreement marking)."""

    extension_type = "property-extension"


@stix2.v21.CustomObject(
    "counterfeit-listing",
    [
        ("name", p.StringProperty(required=True)),
        ("price", p.FloatProperty()),
        ("currency", p.StringProperty()),
        ("brand_id", p.StringProperty()),
        ("category", p.StringProperty()),
        ("ships_from", p.StringProperty()),
        ("status", p.StringProperty()),
    ],
    extension_name=EXT_LISTING,
)
class CounterfeitListing:
    """An offer on a marketplace suspected or confirmed to be counterfeit."""


@stix2.v21.CustomObject(
    "customs-declaration",
    [
        ("name", p.StringProperty(required=True)),
        ("hs_code", p.StringProperty()),
        ("origin_country", p.StringProperty()),
        ("transport_mode", p.StringProperty()),
        ("quantity", p.IntegerProperty()),
        ("declared_value", p.FloatProperty()),
        ("currency", p.StringProperty()),
        ("lodged", p.TimestampProperty()),
        ("consignor_ref", p.ReferenceProperty(valid_types=["identity"], spec_version="2.1")),
        ("importer_ref", p.ReferenceProperty(valid_types=["identity"], spec_version="2.1")),
    ],
    extension_name=EXT_DECLARATION,
)
class CustomsDeclaration:
    """An import declaration (608/2013 Art. 22(2) consignment data, parties as tokens)."""


def stamp(value: datetime) -> str:
    """A STIX timestamp with millisecond precision (what both nodes compare for `modified`)."""
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def stix_id(kind: str, *parts: str) -> str:
    """A deterministic id: uuid5 over our namespace and the local identity of the thing."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def tlp_marking(level: str) -> stix2.v21.MarkingDefinition:
    """The OASIS TLP 2.0 marking definition for a level."""
    return stix2.v21.MarkingDefinition(
        id=TLP_IDS[level],
        created=TLP_CREATED,
        created_by_ref=TLP_AUTHOR,
        name=f"TLP:{level.upper()}",
        extensions={TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
        allow_custom=True,
    )


def project_identity() -> stix2.v21.Identity:
    """The Guetteur project, author of the extension definitions."""
    return stix2.v21.Identity(
        id=PROJECT_IDENTITY,
        created=PUBLISHED,
        modified=PUBLISHED,
        name="Guetteur project",
        identity_class="organization",
    )


def extension_definitions() -> list[stix2.v21.ExtensionDefinition]:
    """Our three extension definitions, as objects every collection carries."""
    author_ref = PROJECT_IDENTITY
    common: dict[str, Any] = {
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "created_by_ref": author_ref,
        "version": "1.0.0",
    }
    return [
        stix2.v21.ExtensionDefinition(
            id=EXT_PROPERTIES,
            name="guetteur-counterfeit",
            description="Counterfeit-specific properties: kind, keyed tokens, CLK encodings, "
            "fields an agreement allows in clear, domain attributes and expiry.",
            schema=f"{SCHEMA_BASE}/guetteur-counterfeit.json",
            extension_types=["property-extension"],
            **common,
        ),
        stix2.v21.ExtensionDefinition(
            id=EXT_LISTING,
            name="guetteur-counterfeit-listing",
            description="A new SDO: an offer on a marketplace suspected of being counterfeit.",
            schema=f"{SCHEMA_BASE}/counterfeit-listing.json",
            extension_types=["new-sdo"],
            **common,
        ),
        stix2.v21.ExtensionDefinition(
            id=EXT_DECLARATION,
            name="guetteur-customs-declaration",
            description="A new SDO: an import declaration with its parties as keyed tokens.",
            schema=f"{SCHEMA_BASE}/customs-declaration.json",
            extension_types=["new-sdo"],
            **common,
        ),
    ]
