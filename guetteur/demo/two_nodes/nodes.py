"""The two demo nodes: their stores, log-ins, and the `guetteur serve` processes."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from guetteur import migrate
from guetteur.auth import service as auth
from guetteur.config import Settings
from guetteur.db import make_session_factory
from guetteur.demo.two_nodes.constants import (
    CUSTOMS_FILES,
    HOST,
    INTERRUPT_GRACE_SECONDS,
    MARKET_FILES,
    console,
)


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
