"""`guetteur demo --two-nodes`: a marketplace node and a customs node sharing under an agreement.

Two stores under the data dir (`marketplace-node/`, `customs-node/`), both seeded from the same
demo world, each holding only what its organisation would hold:

- the marketplace node: brands and products, sellers, listings, verdicts and notices (then link,
  train, score as `guetteur demo` does); its organisation `marketplace` and its log-ins;
- the customs node: brands, declarations and inspections (then link the customs parties); its
  organisation `customs` and its log-ins. It has no seller account and no listing.

The agreement is made as two administrators would (docs/sharing.md): the same terms on both
nodes (`two-nodes-terms.json`), each node's public card handed to the other (`*.card.json`), a
technical user and API token for the partner's organisation on each node, credentials set.
Then, with both nodes served as two `guetteur serve` processes on 127.0.0.1, the loop runs once:
the marketplace shares a ring (a network found by `link`) as tokens, customs syncs and its
correlation raises alerts on matching consignors, customs targets with that intelligence, detains
the goods of a matching parcel and shares the seizure back, and the marketplace syncs and links
the seizure to its seller and the seller's network. The network shared is the one an analyst would
share first: the most confirmed counterfeits and notices among its accounts' listings (what the
marketplace node knows; the world's hidden truth is never read).

Both servers then keep running with a scheduled sync (`GUETTEUR_SYNC_INTERVAL_SECONDS`) until
Ctrl-C. A second run keeps the stores and only serves them.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guetteur import migrate
from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.clock import utcnow
from guetteur.config import Settings
from guetteur.db import make_session_factory, transaction
from guetteur.sharing.models import Agreement, Alert
from guetteur.sharing.schemas import NodeCard, Terms

HOST = "127.0.0.1"
DEMO_PASSWORD = "guetteur-demo"
SYNC_INTERVAL_SECONDS = 60
MARKET_FILES = ("brands", "products", "sellers", "listings", "verdicts", "notices")
CUSTOMS_FILES = ("brands", "declarations", "inspections")
TARGET_DAYS = 30
INTERRUPT_GRACE_SECONDS = 5.0
STRONG_MATCH = 0.8  # e.g. phone and address, or e-mail and name
ACTOR = system_actor("demo two nodes")
TOKENS = {
    "name": "token",
    "phone": "token",
    "email": "token",
    "address": "token",
    "bank_account": "token",
    "registration_number": "token",
    "account_id": "token",
}
# (email, display name, role) of each node's own organisation; brand managers are added on the
# marketplace node (brands send their notices to the marketplace).
PEOPLE = {
    "marketplace": [
        ("analyst@marketplace.example", "Marketplace Analyst", "analyst"),
        ("admin@marketplace.example", "Marketplace Administrator", "admin"),
    ],
    "customs": [
        ("officer@customs.example", "Customs Officer", "officer"),
        ("investigator@customs.example", "Customs Investigator", "investigator"),
        ("admin@customs.example", "Customs Administrator", "admin"),
    ],
}
ROLE_OF_KIND = {"marketplace": "analyst", "customs": "officer"}

Say = Callable[[str], None]
console = Console()


def say(text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True)


@dataclass
class DemoNode:
    """One node of the pair: its organisation, settings, store and (when served) its process."""

    name: str
    kind: str
    organisation: str
    organisation_name: str
    port: int
    settings: Settings
    files: tuple[str, ...]
    sessions: sessionmaker[Session] | None = None
    process: subprocess.Popen[bytes] | None = None
    logins: list[auth.DemoLogin] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_root(self) -> str:
        return f"{self.url}/taxii2/root/"

    @property
    def db(self) -> sessionmaker[Session]:
        assert self.sessions is not None, "the node's store is not open"
        return self.sessions

    def env(self, sync_interval: int) -> dict[str, str]:
        return {
            **os.environ,
            "GUETTEUR_ENVIRONMENT": self.settings.environment,
            "GUETTEUR_DATA_DIR": str(self.settings.data_dir),
            "GUETTEUR_DATABASE_URL": self.settings.database_url,
            "GUETTEUR_SECRET_KEY": self.settings.secret_key,
            "GUETTEUR_NODE_NAME": self.name,
            "GUETTEUR_SYNC_INTERVAL_SECONDS": str(sync_interval),
        }


@dataclass
class LoopResult:
    """What the loop did, for the printout and for tests."""

    agreement_id: str
    network_id: str = ""
    network_size: int = 0
    shared: int = 0
    customs_alerts: list[str] = field(default_factory=list)
    targeted: dict[str, Any] = field(default_factory=dict)
    detention_id: int = 0
    seizure_shared: int = 0
    market_links: list[str] = field(default_factory=list)


def _secret(data_dir: Path) -> str:
    """The node's own secret, made once and kept in its data dir (keys are sealed with it)."""
    path = data_dir / "secret-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def make_nodes(root: Path, *, ports: tuple[int, int], environment: str) -> list[DemoNode]:
    """The marketplace node and the customs node, with their data dirs under `root`."""
    specs = (
        ("marketplace-node", "marketplace", "Demo Marketplace", ports[0], MARKET_FILES),
        ("customs-node", "customs", "Demo Customs Administration", ports[1], CUSTOMS_FILES),
    )
    out = []
    for name, kind, org_name, port, files in specs:
        data_dir = (root / name).resolve()
        settings = Settings(
            environment=environment,
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'guetteur.db'}",
            secret_key=_secret(data_dir),
            node_name=name,
            host=HOST,
            port=port,
        )
        out.append(DemoNode(name, kind, kind, org_name, port, settings, files))
    return out


@contextmanager
def opened(nodes: list[DemoNode]) -> Iterator[None]:
    """Open (and migrate) both stores; dispose of them after."""
    engines = []
    try:
        for node in nodes:
            engine = migrate.open_store(node.settings)
            engines.append(engine)
            node.sessions = make_session_factory(engine)
        yield
    finally:
        for engine in engines:
            engine.dispose()
        for node in nodes:
            node.sessions = None


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


def _seed_logins(node: DemoNode) -> None:
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


def _seed_market(node: DemoNode, world_dir: Path) -> None:
    from guetteur.demo.pipeline import run_all

    _import(node, world_dir)
    _seed_logins(node)
    run_all(node.db, node.settings, lambda text: say(f"[green]✓[/] {node.name}: {text}"))


def _seed_customs(node: DemoNode, world_dir: Path) -> None:
    from guetteur.actors import service as actors

    _import(node, world_dir)
    _seed_logins(node)
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


# --- the two processes ---------------------------------------------------------------------


def _guetteur() -> str:
    script = Path(sys.executable).parent / "guetteur"
    return str(script) if script.exists() else "guetteur"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def start(node: DemoNode, *, sync_interval: int) -> None:
    """`guetteur serve` for the node in its own process, logging to its data dir."""
    log = (node.settings.data_dir / "server.log").open("ab")
    node.process = subprocess.Popen(
        [_guetteur(), "serve", "--host", HOST, "--port", str(node.port)],
        env=node.env(sync_interval),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()


def wait_ready(node: DemoNode, timeout: float = 60.0) -> None:
    """Return once the node answers on its TAXII discovery URL."""
    deadline = time.monotonic() + timeout
    assert node.process is not None
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise RuntimeError(
                f"{node.name} exited ({node.process.returncode}); see "
                f"{node.settings.data_dir / 'server.log'}"
            )
        try:
            httpx.get(f"{node.url}/taxii2/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{node.name} did not answer on {node.url} within {timeout:.0f} s")


def stop_all(nodes: list[DemoNode], *, interrupted: bool = False, grace: float = 20.0) -> None:
    """Stop the nodes' servers: SIGTERM (after a Ctrl-C, which reached them too, first let them
    finish their own shutdown for a few seconds), then SIGKILL whatever did not stop in time."""
    procs = [n.process for n in nodes if n.process is not None]
    for node in nodes:
        node.process = None
    if interrupted:
        _wait_all(procs, INTERRUPT_GRACE_SECONDS)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    _wait_all(procs, grace)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _wait_all(procs: list[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))


@contextmanager
def served(nodes: list[DemoNode], *, sync_interval: int) -> Iterator[None]:
    """Both nodes served (two processes) for the duration of the block."""
    interrupted = False
    try:
        for node in nodes:
            start(node, sync_interval=sync_interval)
        for node in nodes:
            wait_ready(node)
        yield
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        stop_all(nodes, interrupted=interrupted)


# --- the loop ------------------------------------------------------------------------------


def pick_network(market: DemoNode, world_dir: Path) -> tuple[str, int]:
    """The network an analyst would share first: the most confirmed counterfeits and notices.

    Ranked by the actors' network risk (counterfeit verdicts and notices on its members'
    listings), then by size; only networks of at least three accounts. `world_dir` is unused:
    the choice uses what the marketplace node knows, never the world's hidden truth.
    """
    from guetteur.actors import risk
    from guetteur.actors.models import Network, NetworkMember

    del world_dir
    with market.db() as session:
        members: dict[str, list[str]] = {}
        query = select(NetworkMember.network_id, NetworkMember.member_id).where(
            NetworkMember.kind == "seller"
        )
        for network_id, member_id in session.execute(query):
            members.setdefault(network_id, []).append(member_id)
        active = set(session.scalars(select(Network.id).where(Network.status == "active")))
        members = {n: ids for n, ids in members.items() if n in active and len(ids) >= 3}
        risks = risk.of_networks(session, members=members, as_of=utcnow())
    ranked = sorted(
        (
            (r.counterfeit + r.notices, len(members[nid]), nid)
            for nid, r in risks.items()
            if nid in members
        ),
        reverse=True,
    )
    if not ranked:
        raise RuntimeError("`link` found no seller network on the marketplace node to share")
    _evidence, size, network_id = ranked[0]
    return network_id, size


def _alerts(node: DemoNode, *, kinds: tuple[str, ...]) -> list[Alert]:
    with node.db() as session:
        query = select(Alert).where(Alert.local_kind.in_(kinds)).order_by(Alert.id)
        return list(session.scalars(query))


def _sync(node: DemoNode) -> str:
    from guetteur.sharing import sync

    results = sync.sync_all(node.db, secret=node.settings.secret_key)
    return "; ".join(
        f"{r.received} objects received in {r.pages} pages, {len(r.refused)} refused"
        for r in results
    )


def step_share(market: DemoNode, result: LoopResult, world_dir: Path) -> None:
    from guetteur.sharing import exports

    result.network_id, result.network_size = pick_network(market, world_dir)
    with transaction(market.db) as session:
        published = exports.share_network(
            session, actor=ACTOR, agreement_id=result.agreement_id,
            network_id=result.network_id, secret=market.settings.secret_key,
        )  # fmt: skip
    result.shared = published.added
    say(
        f"1. marketplace shares network {result.network_id} ({result.network_size} seller "
        f"accounts) as tokens: {published.added} STIX objects placed in the customs collection"
    )


def step_correlate(customs: DemoNode, result: LoopResult) -> None:
    done = _sync(customs)
    alerts = _alerts(customs, kinds=("consignor", "importer"))
    result.customs_alerts = list(dict.fromkeys(a.local_ref for a in alerts))
    say(
        f"2. customs syncs: {done}; correlation raises {len(alerts)} alerts on the parties of "
        f"{len(result.customs_alerts)} declarations, the strongest:"
    )
    for alert in sorted(alerts, key=lambda a: -a.score)[:3]:
        say(f"     alert {alert.id} (score {alert.score}): {alert.detail}")


def _strongest(customs: DemoNode) -> list[str]:
    """Declarations whose consignor matched on a strong identifier (else any that matched)."""
    best: dict[str, float] = {}
    for alert in _alerts(customs, kinds=("consignor",)):
        decl_id = alert.local_ref.rsplit(":", 1)[0]
        best[decl_id] = max(best.get(decl_id, 0.0), alert.score)
    strong = [d for d, score in best.items() if score >= STRONG_MATCH]
    return sorted(strong or best)


def _target_since(session: Session, declaration_ids: list[str]) -> datetime:
    """The last month, widened to the day of the latest of `declaration_ids` if it is older."""
    from guetteur.customs.models import Declaration

    last = session.scalar(select(func.max(Declaration.lodged_at)))
    matched = session.scalar(
        select(func.max(Declaration.lodged_at)).where(Declaration.id.in_(declaration_ids))
    )
    assert last is not None and matched is not None
    since = min(last - timedelta(days=TARGET_DAYS), matched)
    return since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def step_target(customs: DemoNode, result: LoopResult) -> None:
    from guetteur.customs.targeting import run as targeting
    from guetteur.customs.targeting import store as frames
    from guetteur.customs.targeting.intelligence import Combined
    from guetteur.sharing.correlate import shared_intelligence

    strong = _strongest(customs)
    if not strong:
        raise RuntimeError("no consignor matched the shared ring: nothing to target")
    with transaction(customs.db) as session:
        since = _target_since(session, strong)
        provider = Combined(
            [frames.party_intelligence(session, as_of=since), shared_intelligence(session)]
        )
        run = targeting.target(
            session, actor=ACTOR, since=since, provider=provider,
            options=targeting.Options(models_dir=customs.settings.models_dir),
        )  # fmt: skip
    rows = [r for r in run.rows if r["declaration_id"] in strong]
    best = sorted(rows, key=lambda r: (not r["selected"], r["rank"]))[0]
    result.targeted = best
    reasons = "; ".join(dict.fromkeys(f"{r['code']}: {r['detail']}" for r in best["reasons"][:3]))
    picked = (
        "selected" if best["selected"] else "outside the day's capacity, inspected on the alert"
    )
    say(
        f"3. customs targets {len(run.rows)} declarations lodged since {since:%Y-%m-%d} with the "
        f"shared intelligence ({sum(r['selected'] for r in run.rows)} selected); parcel "
        f"{best['declaration_id']} of a strongly matching consignor ranks {best['rank']}, {picked}"
    )
    say(f"     reasons: {reasons}")


def step_seize(customs: DemoNode, result: LoopResult) -> None:
    from guetteur.customs import detention
    from guetteur.customs.models import Declaration
    from guetteur.sharing import exports

    declaration_id = str(result.targeted["declaration_id"])
    with transaction(customs.db) as session:
        decl = session.get(Declaration, declaration_id)
        assert decl is not None
        on = (decl.lodged_at + timedelta(days=1)).date()
        row = detention.detain(
            session, actor=ACTOR, office=decl.office, on=on, units=int(decl.quantity),
            declaration_id=decl.id,
            description=f"suspected counterfeit: {decl.description}",
        )  # fmt: skip
        result.detention_id = int(row.id)
        published = exports.share_seizure(
            session, actor=ACTOR, agreement_id=result.agreement_id, detention_id=row.id,
            secret=customs.settings.secret_key,
        )  # fmt: skip
    result.seizure_shared = published.added
    say(
        f"4. customs detains {int(decl.quantity)} units of {declaration_id} at {decl.office} "
        f"(detention {result.detention_id}) and shares the seizure back: "
        f"{published.added} STIX objects"
    )


def step_link(market: DemoNode, result: LoopResult) -> None:
    done = _sync(market)
    linked = [a for a in _alerts(market, kinds=("seller",)) if "seizure" in a.fields]
    result.market_links = [a.detail for a in linked]
    say(f"5. marketplace syncs: {done}; {len(linked)} seizure alerts on its sellers")
    for alert in linked[:5]:
        say(f"     alert {alert.id} on seller {alert.local_ref}: {alert.detail}")


def run_loop(market: DemoNode, customs: DemoNode, agreement_id: str, world_dir: Path) -> LoopResult:
    """The loop, once, with both nodes served."""
    result = LoopResult(agreement_id)
    step_share(market, result, world_dir)
    step_correlate(customs, result)
    step_target(customs, result)
    step_seize(customs, result)
    step_link(market, result)
    return result


# --- the whole demo ------------------------------------------------------------------------


def _state_path(root: Path) -> Path:
    return root / "two-nodes.json"


def setup(
    root: Path,
    *,
    scale: float = 1.0,
    seed: int = 7,
    ports: tuple[int, int] = (8000, 8001),
    environment: str = "development",
) -> tuple[list[DemoNode], LoopResult | None]:
    """Seed both nodes, make the agreement and run the loop once (servers stopped after).

    When `root` already holds a finished two-node demo, keep it and return no loop result.
    """
    nodes = make_nodes(root, ports=ports, environment=environment)
    if _state_path(root).exists():
        say(f"two-node demo already set up in {root}: keeping its data")
        with opened(nodes):
            for node in nodes:
                _seed_logins(node)
            _repoint(nodes)
        return nodes, None
    for node in nodes:
        if (node.settings.data_dir / "guetteur.db").exists():
            raise RuntimeError(
                f"{node.settings.data_dir} holds a store from an unfinished run: remove "
                f"{nodes[0].settings.data_dir} and {nodes[1].settings.data_dir} and start again"
            )
    return nodes, _first_run(root, nodes, scale=scale, seed=seed)


def _repoint(nodes: list[DemoNode]) -> None:
    """Point each node's agreement at the partner's URL of this run (the ports may differ)."""
    from guetteur.sharing import agreements

    for local, partner in (nodes, nodes[::-1]):
        with transaction(local.db) as session:
            for row in agreements.list_(session, actor=ACTOR):
                credential = agreements.open_keys(row, secret=local.settings.secret_key)
                if row.partner_url == partner.api_root or not credential.partner_credential:
                    continue
                agreements.set_credential(
                    session, actor=ACTOR, agreement_id=row.id,
                    credential=credential.partner_credential,
                    secret=local.settings.secret_key, url=partner.api_root,
                )  # fmt: skip


def _first_run(root: Path, nodes: list[DemoNode], *, scale: float, seed: int) -> LoopResult:
    from guetteur.demo.world import generate

    market, customs = nodes
    world_dir = root / "two-nodes-world"
    with console.status(f"generating the demo world (scale {scale}) in {world_dir}"):
        summary = generate(world_dir, scale=scale, seed=seed)
    say(f"demo world written: {summary.counts}")
    with opened(nodes):
        _seed_market(market, world_dir)
        _seed_customs(customs, world_dir)
        agreement_id = make_agreement(market, customs, root)
        say(f"\n[bold]The loop[/]: {market.name} on {market.url}, {customs.name} on {customs.url}")
        with served(nodes, sync_interval=0):
            result = run_loop(market, customs, agreement_id, world_dir)
    state = {"agreement_id": agreement_id, "network_id": result.network_id}
    _state_path(root).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    return result


def print_logins(nodes: list[DemoNode]) -> None:
    for node in nodes:
        say(f"\n[bold]{node.name}[/] ({node.organisation_name}): {node.url}")
        for login in node.logins:
            say(f"  {login.role:<14} {login.email} / {login.password}   ({login.organisation})")
    say(
        "\nBoth nodes use the same session cookie name: to stay logged in to both in one "
        f"browser, open the customs node as http://localhost:{nodes[1].port}."
    )


def _agreement_summary(nodes: list[DemoNode]) -> None:
    with opened(nodes):
        for node in nodes:
            with node.db() as session:
                count = session.scalar(select(func.count(Agreement.id))) or 0
                alerts = session.scalar(select(func.count(Alert.id))) or 0
            say(f"{node.name}: {count} agreement(s), {alerts} alert(s)")


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve_until_interrupted(nodes: list[DemoNode], *, sync_interval: int) -> None:
    """Serve both nodes (scheduled sync on) until Ctrl-C or SIGTERM, then stop both."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with served(nodes, sync_interval=sync_interval):
            say(
                f"\nserving {nodes[0].name} on {nodes[0].url} and {nodes[1].name} on "
                f"{nodes[1].url}, syncing every {sync_interval} s (logs: "
                f"<data dir>/server.log); Ctrl-C stops both"
            )
            while all(n.process is not None and n.process.poll() is None for n in nodes):
                time.sleep(0.5)
            say("a node stopped: stopping the other")
    except KeyboardInterrupt:
        say("\nstopping both nodes…")
    finally:
        signal.signal(signal.SIGTERM, previous)
    say("both nodes stopped")


def run_demo(settings: Settings, *, scale: float, seed: int, serve: bool, port: int | None) -> None:
    """`guetteur demo --two-nodes`."""
    base = port or 8000
    ports = (base, base + 1)
    busy = [p for p in ports if not port_is_free(p)]
    if busy:
        raise RuntimeError(f"port(s) {', '.join(map(str, busy))} of {HOST} already in use")
    root = settings.data_dir
    nodes, _result = setup(
        root, scale=scale, seed=seed, ports=ports, environment=settings.environment
    )
    if _result is None:
        _agreement_summary(nodes)
    print_logins(nodes)
    if serve:
        interval = settings.sync_interval_seconds or SYNC_INTERVAL_SECONDS
        serve_until_interrupted(nodes, sync_interval=interval)
