"""The whole two-node demo: first run seeds and runs the loop, every run serves both."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from types import FrameType

from sqlalchemy import func, select

from guetteur.config import Settings
from guetteur.db import transaction
from guetteur.demo.two_nodes.constants import ACTOR, HOST, SYNC_INTERVAL_SECONDS, console
from guetteur.demo.two_nodes.loop import run_loop
from guetteur.demo.two_nodes.nodes import (
    DemoNode,
    LoopResult,
    make_nodes,
    opened,
    port_is_free,
    say,
    served,
)
from guetteur.demo.two_nodes.seeding import make_agreement, seed_customs, seed_logins, seed_market
from guetteur.sharing.models import Agreement, Alert

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
                seed_logins(node)
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
        seed_market(market, world_dir)
        seed_customs(customs, world_dir)
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
