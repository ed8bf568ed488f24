"""What each demo node holds, and the agreement between them (the real card exchange)."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.db import transaction
from guetteur.demo.two_nodes.constants import ACTOR, DEMO_PASSWORD, PEOPLE, ROLE_OF_KIND, TOKENS
from guetteur.demo.two_nodes.nodes import DemoNode, say
from guetteur.sharing.schemas import NodeCard, Terms

# --- seeding ------------------------------------------------------------------------------


def _import(node: DemoNode, world_dir: Path) -> None:
    from guetteur.interchange import service
    from guetteur.interchange.media import MediaStore

    media = MediaStore(node.settings)
    done = []
    for planned in service.plan(world_dir):
        if planned.kind not in node.files:
            continue
        with transaction(node.db) as session:
            report = service.import_planned(
                session, planned=planned, actor=system_actor("demo import"), media=media
            )
        if report.status == "rejected":
            raise RuntimeError(f"{node.name}: {report.file} rejected: {report.errors[:3]}")
        done.append(f"{report.kind} {report.rows}")
    say(f"[green]✓[/] {node.name}: imported {', '.join(done)}")


def seed_logins(node: DemoNode) -> None:
    with transaction(node.db) as session:
        org = auth.get_organisation_by_slug(session, slug=node.organisation)
        if org is None:
            org = auth.create_organisation(
                session, actor=ACTOR, slug=node.organisation, name=node.organisation_name,
                kind=node.kind,
            )  # fmt: skip
        people = [(org.id, org.name, *p) for p in PEOPLE[node.kind]]
        if node.kind == "marketplace":
            people.extend(_brand_managers(session))
        for org_id, org_name, email, display, role in people:
            if auth.get_user_by_email(session, email=email) is None:
                auth.create_user(
                    session, actor=ACTOR, organisation_id=org_id, email=email,
                    display_name=display, role=role, password=DEMO_PASSWORD,
                )  # fmt: skip
            node.logins.append(auth.DemoLogin(email, DEMO_PASSWORD, role, org_name))


def _brand_managers(session: Session, count: int = 2) -> list[tuple[int, str, str, str, str]]:
    from guetteur.registry import service as registry

    out = []
    for brand in registry.list_brands(session, actor=ACTOR, limit=count):
        slug = f"brand-{brand.id}".lower()
        org = auth.get_organisation_by_slug(session, slug=slug)
        if org is None:
            org = auth.create_organisation(
                session, actor=ACTOR, slug=slug, name=brand.name, kind="brand"
            )
            auth.assign_brand_owner(session, brand_id=brand.id, organisation_id=org.id, actor=ACTOR)
        email = f"manager@{slug}.example"
        out.append((org.id, org.name, email, f"{brand.name} Brand Manager", "brand_manager"))
    return out


def seed_market(node: DemoNode, world_dir: Path) -> None:
    from guetteur.demo.pipeline import run_all

    _import(node, world_dir)
    seed_logins(node)
    run_all(node.db, node.settings, lambda text: say(f"[green]✓[/] {node.name}: {text}"))


def seed_customs(node: DemoNode, world_dir: Path) -> None:
    from guetteur.actors import service as actors

    _import(node, world_dir)
    seed_logins(node)
    with transaction(node.db) as session:
        summary = actors.link(
            session, actor=system_actor("demo link"), models_dir=node.settings.models_dir
        )
    say(
        f"[green]✓[/] {node.name}: linked {summary.records} customs parties: "
        f"{summary.networks} networks"
    )


# --- the agreement -------------------------------------------------------------------------


def _terms(market: DemoNode, customs: DemoNode) -> Terms:
    party = {
        n.name: {"node": n.name, "organisation": n.organisation, "kind": n.kind, "url": n.api_root}
        for n in (market, customs)
    }
    return Terms.model_validate(
        {
            "id": str(uuid.uuid4()),
            "title": "Demo marketplace and demo customs: counterfeit goods",
            "purpose": "IP enforcement (Regulation (EU) No 608/2013)",
            "legal_basis": "GDPR Art. 6(1)(c); Code des douanes art. 65",
            "tlp": "amber",
            "retention_days": 180,
            "parties": [party[market.name], party[customs.name]],
            "flows": [
                {
                    "sender": market.name,
                    "kinds": ["seller", "network", "listing"],
                    "fields": TOKENS,
                    "fuzzy": True,
                },
                {
                    "sender": customs.name,
                    "kinds": ["seizure", "detention", "declaration"],
                    "fields": {
                        "phone": "token",
                        "email": "token",
                        "name": "token",
                        "address": "token",
                    },
                },
            ],
        }
    )


def _card(node: DemoNode, root: Path) -> Path:
    from guetteur.sharing import agreements

    with transaction(node.db) as session:
        card = agreements.node_card(
            session, node=node.name, secret=node.settings.secret_key
        ).model_dump_json(indent=2)
    path = root / f"{node.name}.card.json"
    path.write_text(card + "\n", encoding="utf-8")
    return path


def _sync_user_token(local: DemoNode, partner: DemoNode) -> str:
    """On `local`, a technical user of the partner's organisation and its API token."""
    with transaction(local.db) as session:
        org = auth.get_organisation_by_slug(session, slug=partner.organisation)
        assert org is not None, "the agreement makes the partner's organisation"
        user = auth.create_user(
            session, actor=ACTOR, organisation_id=org.id, email=f"sync@{partner.name}.example",
            display_name=f"{partner.name} sync", role=ROLE_OF_KIND[partner.kind],
            password=secrets.token_urlsafe(24),
        )  # fmt: skip
        _row, token = auth.create_token(session, actor=ACTOR, user_id=user.id, name="sync")
    return token


def make_agreement(market: DemoNode, customs: DemoNode, root: Path) -> str:
    """Terms on both nodes, cards exchanged, a technical user and token each, credentials set."""
    from guetteur.sharing import agreements

    terms = _terms(market, customs)
    terms_path = root / "two-nodes-terms.json"
    terms_path.write_text(terms.model_dump_json(indent=2) + "\n", encoding="utf-8")
    cards = {n.name: _card(n, root) for n in (market, customs)}
    tokens: dict[str, str] = {}
    for local, partner in ((market, customs), (customs, market)):
        card = NodeCard.model_validate_json(cards[partner.name].read_text(encoding="utf-8"))
        with transaction(local.db) as session:
            row = agreements.create(
                session, actor=ACTOR, terms=terms, local_node=local.name, partner_card=card,
                secret=local.settings.secret_key,
            )  # fmt: skip
            say(
                f"[green]✓[/] {local.name}: agreement {row.id} recorded with {partner.name}'s "
                f"card {cards[partner.name].name}; terms hash {row.terms_hash[:16]}…"
            )
        tokens[partner.name] = _sync_user_token(local, partner)
    for local, partner in ((market, customs), (customs, market)):
        with transaction(local.db) as session:
            agreements.set_credential(
                session, actor=ACTOR, agreement_id=terms.id, credential=tokens[local.name],
                secret=local.settings.secret_key, url=partner.api_root,
            )  # fmt: skip
        say(
            f"[green]✓[/] {local.name}: credential for {partner.api_root} set "
            f"(user sync@{local.name}.example on {partner.name})"
        )
    return terms.id
