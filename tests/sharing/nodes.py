"""Two Guetteur nodes for sharing tests and benchmarks: separate SQLite stores, real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from guetteur import migrate
from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import Base, import_all_models, make_engine, make_session_factory, transaction
from guetteur.sharing import agreements
from guetteur.sharing.schemas import Terms
from guetteur.web.app import create_app

ADMIN = system_actor("test sharing")
GUETTEUR = str(Path(sys.executable).parent / "guetteur")
PASSWORD = "correct-horse-battery-staple"
TOKEN_FIELDS = {
    "name": "token",
    "phone": "token",
    "email": "token",
    "address": "token",
    "bank_account": "token",
    "registration_number": "token",
    "account_id": "token",
}
ROLE_OF_KIND = {"marketplace": "analyst", "customs": "officer", "brand": "brand_manager"}


@dataclass
class Node:
    """One node: its settings, store and (once served) its TAXII API root."""

    name: str
    kind: str
    organisation: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    url: str | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def api_root(self) -> str:
        assert self.url is not None
        return f"{self.url}/taxii2/root/"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GUETTEUR_ENVIRONMENT": "test",
            "GUETTEUR_DATA_DIR": str(self.settings.data_dir),
            "GUETTEUR_DATABASE_URL": self.settings.database_url,
            "GUETTEUR_SECRET_KEY": self.settings.secret_key,
            "GUETTEUR_NODE_NAME": self.name,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_node(root: Path, name: str, kind: str, organisation: str) -> Node:
    """A node with an empty migrated store and its own organisation."""
    import_all_models()
    data_dir = root / name
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        environment="test", data_dir=data_dir, secret_key=f"secret-of-{name}", node_name=name
    )
    engine = make_engine(settings)
    Base.metadata.create_all(engine)
    migrate.stamp_head(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        auth.create_organisation(
            session, actor=ADMIN, slug=organisation, name=organisation.title(), kind=kind
        )
    return Node(name, kind, organisation, settings, engine, sessions)


def terms(
    a: Node,
    b: Node,
    *,
    a_kinds: list[str] | None = None,
    b_kinds: list[str] | None = None,
    a_fields: dict[str, str] | None = None,
    b_fields: dict[str, str] | None = None,
    b_push: bool = False,
    retention_days: int = 180,
) -> Terms:
    """Terms between two nodes: a sends sellers and networks, b sends seizures back."""
    return Terms.model_validate(
        {
            "id": str(uuid.uuid4()),
            "title": f"{a.name} and {b.name}",
            "purpose": "IP enforcement: counterfeit goods (Regulation (EU) No 608/2013)",
            "legal_basis": "GDPR Art. 6(1)(c); Code des douanes art. 65",
            "tlp": "amber",
            "retention_days": retention_days,
            "parties": [
                {
                    "node": a.name,
                    "organisation": a.organisation,
                    "kind": a.kind,
                    "url": a.url and a.api_root,
                },
                {
                    "node": b.name,
                    "organisation": b.organisation,
                    "kind": b.kind,
                    "url": b.url and b.api_root,
                },
            ],
            "flows": [
                {
                    "sender": a.name,
                    "kinds": a_kinds or ["seller", "network", "listing"],
                    "fields": a_fields or TOKEN_FIELDS,
                    "fuzzy": True,
                },
                {
                    "sender": b.name,
                    "kinds": b_kinds or ["seizure", "detention", "declaration"],
                    "fields": b_fields or TOKEN_FIELDS,
                    "push": b_push,
                },
            ],
        }
    )


def pair(a: Node, b: Node, agreed: Terms) -> str:
    """Record the agreement on both nodes, each with a service account for the other."""
    cards = {}
    for node in (a, b):
        with transaction(node.sessions) as session:
            cards[node.name] = agreements.node_card(
                session, node=node.name, secret=node.settings.secret_key
            )
    for local, partner in ((a, b), (b, a)):
        with transaction(local.sessions) as session:
            agreements.create(
                session,
                actor=ADMIN,
                terms=agreed,
                local_node=local.name,
                partner_card=cards[partner.name],
                secret=local.settings.secret_key,
            )
            org = auth.get_organisation_by_slug(session, slug=partner.organisation)
            assert org is not None
            user = auth.create_user(
                session,
                actor=ADMIN,
                organisation_id=org.id,
                email=f"sync@{partner.name}.example",
                display_name=f"{partner.name} sync",
                role=ROLE_OF_KIND[partner.kind],
                password=PASSWORD,
            )
            _row, token = auth.create_token(session, actor=ADMIN, user_id=user.id, name="sync")
            local.tokens[partner.name] = token
    for local, partner in ((a, b), (b, a)):
        with transaction(local.sessions) as session:
            agreements.set_credential(
                session,
                actor=ADMIN,
                agreement_id=agreed.id,
                credential=partner.tokens[local.name],
                secret=local.settings.secret_key,
                url=partner.api_root if partner.url else None,
            )
    return agreed.id


class ServerThread:
    """A node's app on uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, node: Node) -> None:
        self.port = free_port()
        node.url = f"http://127.0.0.1:{self.port}"
        app = create_app(node.settings, engine=node.engine)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def serve_process(node: Node) -> subprocess.Popen[bytes]:
    """`guetteur serve` for a node in its own process; returns once it answers."""
    port = free_port()
    node.url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [GUETTEUR, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=node.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"node {node.name} exited: "
                f"{proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
            )
        try:
            httpx.get(f"{node.url}/taxii2/", timeout=1.0)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"node {node.name} did not start")


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()


def add_sellers(node: Node, count: int, *, prefix: str = "s", **fields: Any) -> list[str]:
    """Marketplace sellers with distinct identifiers."""
    from guetteur.marketplace.models import Seller

    ids = []
    with transaction(node.sessions) as session:
        for i in range(count):
            seller_id = f"{prefix}{i:06d}"
            values: dict[str, Any] = {
                "display_name": f"Shop {seller_id}",
                "legal_name": f"Trading {seller_id} Ltd",
                "country": "FR",
                "email": f"{seller_id}@mail.example",
                "phone": f"+3361{i:07d}",
                "address": {
                    "line1": f"{i} rue de la Paix",
                    "city": "Paris",
                    "postcode": "75002",
                    "country": "FR",
                },
                "bank_account": None,
                "created_at": datetime(2025, 1, 1, tzinfo=UTC),
            }
            session.add(Seller(id=seller_id, **(values | fields)))
            ids.append(seller_id)
    return ids


def add_declaration(node: Node, declaration_id: str, consignor: dict[str, Any]) -> None:
    """A customs declaration with a given consignor."""
    from guetteur.customs.models import Declaration

    with transaction(node.sessions) as session:
        session.add(
            Declaration(
                id=declaration_id,
                lodged_at=datetime(2025, 6, 1, tzinfo=UTC),
                office="FRCDG",
                declarant_id="dec-1",
                importer={"name": "Importer SARL", "country": "FR"},
                consignor=consignor,
                hs_code="640299",
                description="sport shoes",
                origin_country="CN",
                quantity=40,
                gross_weight_kg=Decimal("12.5"),
                declared_value=Decimal("80"),
                currency="EUR",
                transport_mode="air",
            )
        )


def add_detention(node: Node, declaration_id: str, units: int = 40) -> int:
    """A detention of a declaration's goods (ready to share as a seizure)."""
    from guetteur.customs.models import Detention

    with transaction(node.sessions) as session:
        row = Detention(
            declaration_id=declaration_id,
            office="FRCDG",
            member_state="FR",
            procedure="standard",
            status="destruction_agreed",
            units=units,
            description="counterfeit sport shoes",
            detained_on=date(2025, 6, 2),
        )
        session.add(row)
        session.flush()
        return int(row.id)
