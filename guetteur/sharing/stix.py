"""Map our domain objects to STIX 2.1, minimised and pseudonymised as an agreement says.

Every mapper takes a `Context` (the agreement's direction: field policies, token key, marking)
and returns `stix2` objects with deterministic ids, so re-sharing an unchanged thing yields the
same id and `modified` (a no-op for the partner).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import stix2

from guetteur.clock import as_utc
from guetteur.sharing import pseudonymise
from guetteur.sharing.pseudonymise import Party
from guetteur.sharing.stix_ext import (
    EXT_DECLARATION,
    EXT_LISTING,
    EXT_PROPERTIES,
    CounterfeitListing,
    CustomsDeclaration,
    extension_definitions,
    project_identity,
    stamp,
    stix_id,
    tlp_marking,
)

_LISTING: Any = CounterfeitListing  # stix2 builds these classes at run time
_DECLARATION: Any = CustomsDeclaration
KINDS = ("seller", "network", "listing", "declaration", "detention", "seizure", "test_purchase")


@dataclass(frozen=True)
class Context:
    """One direction of one agreement, as the mappers need it."""

    node: str
    organisation: str
    organisation_name: str
    agreement_id: str
    fields: dict[str, str]
    token_key: bytes
    tlp: str = "amber"
    retention_days: int = 180
    purpose: str = ""
    legal_basis: str = ""
    fuzzy: bool = False
    kinds: tuple[str, ...] = KINDS

    @property
    def identity_id(self) -> str:
        return organisation_identity_id(self.node, self.organisation)

    @property
    def marking_id(self) -> str:
        return stix_id("marking-definition", self.node, "agreement", self.agreement_id)

    @property
    def markings(self) -> list[str]:
        return [tlp_marking(self.tlp).id, self.marking_id]

    def policy(self, name: str) -> str:
        return self.fields.get(name, "withheld")


@dataclass
class Mapped:
    """STIX objects made from one local thing, and what of it was disclosed."""

    local_ref: str
    objects: list[Any]
    fields: dict[str, list[str]] = field(default_factory=dict)


def organisation_identity_id(node: str, organisation: str) -> str:
    """The identity of an organisation on a node: the `created_by_ref` of all it shares."""
    return stix_id("identity", node, "organisation", organisation)


def organisation_identity(ctx: Context) -> stix2.v21.Identity:
    """Our organisation as a STIX identity."""
    return stix2.v21.Identity(
        id=ctx.identity_id,
        created="2026-01-01T00:00:00.000Z",
        modified="2026-01-01T00:00:00.000Z",
        name=ctx.organisation_name,
        identity_class="organization",
    )


def agreement_marking(ctx: Context) -> stix2.v21.MarkingDefinition:
    """Our marking for the agreement: purpose, legal basis, retention, no onward sharing."""
    ext = {
        "extension_type": "property-extension",
        "kind": "agreement",
        "agreement_id": ctx.agreement_id,
        "purpose": ctx.purpose,
        "legal_basis": ctx.legal_basis,
        "retention_days": ctx.retention_days,
        "onward_sharing": False,
    }
    return stix2.v21.MarkingDefinition(
        id=ctx.marking_id,
        created="2026-01-01T00:00:00.000Z",
        created_by_ref=ctx.identity_id,
        name=f"Guetteur agreement {ctx.agreement_id}: permitted use",
        extensions={EXT_PROPERTIES: ext},
    )


def preamble(ctx: Context) -> list[Any]:
    """What every collection holds first: identities, extension definitions, markings."""
    return [
        project_identity(),
        *extension_definitions(),
        organisation_identity(ctx),
        tlp_marking(ctx.tlp),
        agreement_marking(ctx),
    ]


def _common(
    ctx: Context, kind: str, local: str, created: datetime, modified: datetime
) -> dict[str, Any]:
    modified = max(as_utc(modified), as_utc(created))
    return {
        "id": stix_id(_stix_type(kind), ctx.node, kind, local),
        "created": stamp(created),
        "modified": stamp(modified),
        "created_by_ref": ctx.identity_id,
        "object_marking_refs": ctx.markings,
    }


def _stix_type(kind: str) -> str:
    return {
        "seller": "identity",
        "consignor": "identity",
        "importer": "identity",
        "network": "grouping",
        "listing": "counterfeit-listing",
        "declaration": "customs-declaration",
        "detention": "incident",
        "seizure": "sighting",
        "test_purchase": "sighting",
        "relationship": "relationship",
    }[kind]


def _extension(
    ctx: Context, kind: str, modified: datetime, **values: Any
) -> dict[str, dict[str, Any]]:
    expires = as_utc(modified) + timedelta(days=ctx.retention_days)
    body = {"extension_type": "property-extension", "kind": kind, "expires": stamp(expires)}
    body.update({k: v for k, v in values.items() if v not in (None, {}, "")})
    return {EXT_PROPERTIES: body}


def _ref(ctx: Context, name: str, value: str) -> str | None:
    """A local reference (an account id) in clear, as a token, or not at all."""
    policy = ctx.policy(name)
    if policy == "clear":
        return value
    if policy == "token":
        return pseudonymise.token(ctx.token_key, name, value)
    return None


def party_fields(ctx: Context, party: Party) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The extension values for a party's identifiers, and which fields went how."""
    values = pseudonymise.normalised(party)
    tokens = {
        f: pseudonymise.token(ctx.token_key, f, v)
        for f, v in values.items()
        if ctx.policy(f) == "token"
    }
    clear = {f: v for f, v in values.items() if ctx.policy(f) == "clear"}
    clk_fields = tuple(f for f in pseudonymise.CLK_FIELDS if ctx.fuzzy and ctx.policy(f) == "token")
    clks = pseudonymise.clks(ctx.token_key, party, clk_fields) if clk_fields else {}
    sent = {"token": sorted(tokens), "clear": sorted(clear)}
    return {"tokens": tokens, "clear": clear, "clk": clks}, sent


def party_identity(
    ctx: Context,
    kind: str,
    local: str,
    party: Party,
    created: datetime,
    modified: datetime,
    attributes: dict[str, Any] | None = None,
) -> Mapped:
    """A seller, consignor or importer as an identity carrying tokens (not names) by default."""
    common = _common(ctx, kind, local, created, modified)
    values, sent = party_fields(ctx, party)
    name = values["clear"].get("name") or f"{kind} {common['id'][-12:]}"
    attrs = {"country": (party.country or "").upper() or None, **(attributes or {})}
    identity = stix2.v21.Identity(
        **common,
        name=name,
        identity_class="organization" if kind != "seller" else "individual",
        extensions=_extension(
            ctx,
            kind,
            modified,
            local_id=_ref(ctx, "account_id", local),
            attributes={k: v for k, v in attrs.items() if v is not None},
            **values,
        ),
    )
    return Mapped(f"{kind}:{local}", [identity], sent)


def seller(ctx: Context, row: Any, attributes: dict[str, Any] | None = None) -> Mapped:
    """A marketplace seller account."""
    party = pseudonymise.seller_party(row)
    return party_identity(ctx, "seller", row.id, party, row.created_at, row.updated_at, attributes)


def network(ctx: Context, network_id: str, members: list[Mapped], modified: datetime) -> Mapped:
    """A seller network (from `guetteur link`) as a grouping of its members' identities."""
    common = _common(ctx, "network", network_id, modified, modified)
    refs = [m.objects[0].id for m in members]
    grouping = stix2.v21.Grouping(
        **common,
        name=f"seller network {common['id'][-12:]}",
        context="suspicious-activity",
        object_refs=refs,
        extensions=_extension(
            ctx,
            "network",
            modified,
            local_id=_ref(ctx, "network_id", network_id),
            attributes={"size": len(refs)},
        ),
    )
    return Mapped(f"network:{network_id}", [*[o for m in members for o in m.objects], grouping])


def listing(ctx: Context, row: Any, seller_ref: str) -> Mapped:
    """A listing and its relationship to the seller identity."""
    common = _common(ctx, "listing", row.id, row.created_at, row.updated_at)
    obj = _LISTING(
        **common,
        name=row.title[:300],
        price=float(row.price),
        currency=row.currency,
        brand_id=row.brand_id,
        category=row.category,
        ships_from=row.ships_from,
        status=row.status,
        extensions={
            **_extension(ctx, "listing", row.updated_at, local_id=_ref(ctx, "listing_id", row.id)),
            EXT_LISTING: {"extension_type": "new-sdo"},
        },
    )
    rel = relationship(ctx, seller_ref, obj.id, "related-to", f"listing:{row.id}", row.updated_at)
    return Mapped(f"listing:{row.id}", [obj, rel])


def relationship(
    ctx: Context, source: str, target: str, kind: str, local: str, modified: datetime
) -> stix2.v21.Relationship:
    """A relationship between two of our objects."""
    common = _common(ctx, "relationship", f"{local}:{kind}:{target}", modified, modified)
    return stix2.v21.Relationship(
        **common, relationship_type=kind, source_ref=source, target_ref=target
    )


def declaration(ctx: Context, row: Any) -> Mapped:
    """An import declaration, with its consignor and importer as token-bearing identities."""
    parties = {
        role: party_identity(
            ctx,
            role,
            f"{row.id}:{role}",
            pseudonymise.declaration_party(getattr(row, role)),
            row.lodged_at,
            row.updated_at,
        )
        for role in ("consignor", "importer")
    }
    common = _common(ctx, "declaration", row.id, row.lodged_at, row.updated_at)
    obj = _DECLARATION(
        **common,
        name=f"declaration {common['id'][-12:]}",
        hs_code=row.hs_code,
        origin_country=row.origin_country,
        transport_mode=row.transport_mode,
        quantity=int(row.quantity),
        declared_value=float(row.declared_value),
        currency=row.currency,
        lodged=stamp(row.lodged_at),
        consignor_ref=parties["consignor"].objects[0].id,
        importer_ref=parties["importer"].objects[0].id,
        extensions={
            **_extension(
                ctx, "declaration", row.updated_at, local_id=_ref(ctx, "declaration_id", row.id)
            ),
            EXT_DECLARATION: {"extension_type": "new-sdo"},
        },
    )
    sent = {
        k: sorted(
            set(parties["consignor"].fields.get(k, [])) | set(parties["importer"].fields.get(k, []))
        )
        for k in ("token", "clear")
    }
    objects = [*parties["consignor"].objects, *parties["importer"].objects, obj]
    return Mapped(f"declaration:{row.id}", objects, sent)


def detention(ctx: Context, row: Any, party_ref: str | None) -> Mapped:
    """A 608/2013 detention as an incident with the procedure's state in our extension."""
    created = datetime.combine(row.detained_on, time(), tzinfo=as_utc(row.created_at).tzinfo)
    common = _common(ctx, "detention", str(row.id), created, row.updated_at)
    attributes = {
        "procedure": row.procedure,
        "status": row.status,
        "units": int(row.units),
        "brand_id": row.brand_id,
        "detained_on": row.detained_on.isoformat(),
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "outcome": row.outcome,
        "member_state": row.member_state,
    }
    incident = stix2.v21.Incident(
        **common,
        name=f"detention {common['id'][-12:]}",
        extensions=_extension(
            ctx,
            "detention",
            row.updated_at,
            attributes={k: v for k, v in attributes.items() if v is not None},
        ),
    )
    objects: list[Any] = [incident]
    if party_ref:
        objects.append(
            relationship(
                ctx, incident.id, party_ref, "related-to", f"detention:{row.id}", row.updated_at
            )
        )
    return Mapped(f"detention:{row.id}", objects)


def seizure(
    ctx: Context,
    local: str,
    *,
    sighted_ref: str,
    seized_on: date,
    units: int,
    modified: datetime,
    attributes: dict[str, Any] | None = None,
) -> Mapped:
    """Goods seized from a party: a sighting of that party's identity, where we are."""
    first = datetime.combine(seized_on, time(), tzinfo=as_utc(modified).tzinfo)
    common = _common(ctx, "seizure", local, first, modified)
    sighting = stix2.v21.Sighting(
        **common,
        sighting_of_ref=sighted_ref,
        where_sighted_refs=[ctx.identity_id],
        first_seen=stamp(first),
        count=max(1, min(int(units), 999_999_999)),
        extensions=_extension(ctx, "seizure", modified, attributes=attributes or {}),
    )
    return Mapped(f"seizure:{local}", [sighting])


def test_purchase(
    ctx: Context, local: str, *, listing_ref: str, bought_on: date, result: str, modified: datetime
) -> Mapped:
    """A test purchase of a listing: a sighting of the listing with its result."""
    first = datetime.combine(bought_on, time(), tzinfo=as_utc(modified).tzinfo)
    common = _common(ctx, "test_purchase", local, first, modified)
    sighting = stix2.v21.Sighting(
        **common,
        sighting_of_ref=listing_ref,
        where_sighted_refs=[ctx.identity_id],
        first_seen=stamp(first),
        extensions=_extension(ctx, "test_purchase", modified, attributes={"result": result}),
    )
    return Mapped(f"test_purchase:{local}", [sighting])


def as_dict(obj: Any) -> dict[str, Any]:
    """A stix2 object as a plain JSON dict."""
    value: dict[str, Any] = json.loads(obj.serialize())
    return value
