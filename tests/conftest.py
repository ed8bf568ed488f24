"""Shared fixtures: settings, a store on SQLite and on PostgreSQL, sessions.

Every test that takes `store` (or `session`) runs twice, once per database. Without a PostgreSQL
server the PostgreSQL leg is skipped with a visible notice, unless GUETTEUR_REQUIRE_POSTGRES=1
(set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import functools
import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from guetteur import migrate
from guetteur.config import Settings
from guetteur.db import Base, import_all_models, make_engine, make_session_factory

POSTGRES_URL = os.environ.get(
    "GUETTEUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("GUETTEUR_REQUIRE_POSTGRES") == "1"
REQUIRE_SHARED = os.environ.get("GUETTEUR_REQUIRE_SHARED") == "1"
REQUIRE_SPARK = os.environ.get("GUETTEUR_REQUIRE_SPARK") == "1"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_notices: list[str] = []


def postgres_available() -> bool:
    """Whether the PostgreSQL test server answers (checked once)."""
    if not hasattr(postgres_available, "answer"):
        try:
            probe = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("select 1"))
            probe.dispose()
            postgres_available.answer = True  # type: ignore[attr-defined]
        except Exception as exc:
            _notices.append(
                f"PostgreSQL leg SKIPPED: no server at {POSTGRES_URL} ({exc.__class__.__name__})"
            )
            postgres_available.answer = False  # type: ignore[attr-defined]
    return postgres_available.answer  # type: ignore[attr-defined]


def require_postgres() -> None:
    """Skip (visibly) or fail, depending on GUETTEUR_REQUIRE_POSTGRES, when there is no server."""
    if postgres_available():
        return
    if REQUIRE_POSTGRES:
        pytest.fail(
            f"GUETTEUR_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {POSTGRES_URL}"
        )
    pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")


def require_shared_data() -> Path:
    """The ../shared/data folder, or a visible skip (a failure when GUETTEUR_REQUIRE_SHARED=1)."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    message = f"../shared/data not found at {SHARED_DATA}"
    if REQUIRE_SHARED:
        pytest.fail(f"GUETTEUR_REQUIRE_SHARED=1 but {message}")
    _notices.append(f"tests needing shared data SKIPPED: {message}")
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Probed here too: under pytest-xdist the workers' notices do not reach the controller.
    postgres_available()
    if not SHARED_DATA.is_dir():
        _notices.append(
            f"tests needing shared data SKIPPED: ../shared/data not found at {SHARED_DATA}"
        )
    if (missing := spark_missing()) and not REQUIRE_SPARK:
        _notices.append(f"Spark tests SKIPPED: {missing} not found")
    for notice in dict.fromkeys(_notices):
        terminalreporter.write_line(f"NOTICE: {notice}", yellow=True, bold=True)


@dataclass
class Store:
    """A migrated, empty store for one test."""

    kind: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "guetteur-data"
    path.mkdir()
    return path


@pytest.fixture
def sqlite_settings(data_dir: Path) -> Settings:
    return Settings(environment="test", data_dir=data_dir, secret_key="test-secret")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{data_dir / 'guetteur.db'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(database_url: str, data_dir: Path) -> Iterator[Store]:
    """An empty store with every table, on SQLite and on PostgreSQL."""
    import_all_models()
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=database_url, secret_key="test-secret"
    )
    engine = make_engine(settings)
    Base.metadata.create_all(engine)
    migrate.stamp_head(engine)  # create_all builds the head schema (tests/test_store.py proves it)
    try:
        yield Store(
            database_url.split(":")[0].split("+")[0], settings, engine, make_session_factory(engine)
        )
    finally:
        engine.dispose()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """A session on the store; the test decides when to commit."""
    with store.sessions() as session:
        yield session


# --- web app, client and small factories (auth / web / read-side tests) ------------------------

DEFAULT_PASSWORD = "correct-horse-battery"


@functools.cache
def _default_password_hash() -> str:
    from guetteur.auth.passwords import hash_password

    return hash_password(DEFAULT_PASSWORD)


@pytest.fixture
def app(store: Store) -> FastAPI:
    """The web application on the test store."""
    from guetteur.web.app import create_app

    return create_app(store.settings, engine=store.engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client of `app` (raises on server errors, like a test should)."""
    with TestClient(app) as test_client:
        yield test_client


class Factory:
    """Rows made directly with the session, for tests (commit with `factory.commit()`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._n = itertools.count(1)

    def commit(self) -> None:
        self.session.commit()

    def org(self, kind: str, slug: str | None = None) -> Any:
        from guetteur.auth.models import Organisation

        slug = slug or f"{kind}-{next(self._n)}"
        org = Organisation(slug=slug, name=slug.title(), kind=kind)
        self.session.add(org)
        self.session.flush()
        return org

    def user(self, org: Any, role: str, email: str | None = None) -> Any:
        from guetteur.auth.models import User

        email = email or f"{role}{next(self._n)}@{org.slug}.example"
        user = User(
            organisation_id=org.id,
            email=email,
            display_name=email,
            password_hash=_default_password_hash(),
            role=role,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def token(self, user: Any, name: str = "test") -> str:
        from guetteur.auth import service
        from guetteur.auth.actor import system_actor

        _row, token = service.create_token(
            self.session, actor=system_actor("test"), user_id=user.id, name=name
        )
        return token

    def brand(self, brand_id: str, name: str | None = None, owner: Any = None) -> Any:
        from guetteur.registry.models import Brand

        brand = Brand(
            id=brand_id,
            name=name or brand_id.title(),
            owner_organisation_id=owner.id if owner is not None else None,
        )
        self.session.add(brand)
        self.session.flush()
        return brand

    def seller(self, seller_id: str, **fields: Any) -> Any:
        from guetteur.marketplace.models import Seller

        values: dict[str, Any] = {
            "display_name": f"Shop {seller_id}",
            "country": "FR",
            "email": f"{seller_id}@mail.example",
            "phone": "+33 6 12 34 56 78",
            "bank_account": "FR7630006000011234567890189",
            "created_at": datetime(2024, 1, 1, tzinfo=UTC),
        }
        seller = Seller(id=seller_id, **(values | fields))
        self.session.add(seller)
        self.session.flush()
        return seller

    def listing(self, listing_id: str, seller: Any, brand: Any = None, **fields: Any) -> Any:
        from guetteur.marketplace.models import Listing

        values: dict[str, Any] = {
            "created_at": datetime(2025, 3, 1, tzinfo=UTC) + timedelta(minutes=next(self._n)),
            "title": f"Listing {listing_id}",
            "category": "sneakers",
            "price": Decimal("49.90"),
            "currency": "EUR",
            "ships_from": "CN",
            "quantity": 5,
            "status": "live",
        }
        listing = Listing(
            id=listing_id,
            seller_id=seller.id,
            brand_id=brand.id if brand is not None else None,
            brand_claim=brand.name if brand is not None else None,
            **(values | fields),
        )
        self.session.add(listing)
        self.session.flush()
        return listing

    def notice(self, notice_id: str, listing: Any) -> Any:
        from guetteur.marketplace.models import Notice

        notice = Notice(
            id=notice_id,
            brand_id=listing.brand_id,
            listing_id=listing.id,
            reason="counterfeit",
            submitted_at=datetime(2025, 3, 2, tzinfo=UTC),
        )
        self.session.add(notice)
        self.session.flush()
        return notice

    def verdict(self, listing: Any, verdict: str = "counterfeit") -> Any:
        from guetteur.marketplace.models import Verdict

        row = Verdict(
            listing_id=listing.id,
            verdict=verdict,
            source="review",
            decided_at=datetime(2025, 3, 3, tzinfo=UTC) + timedelta(minutes=next(self._n)),
        )
        self.session.add(row)
        self.session.flush()
        return row


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session)


@dataclass
class TenantWorld:
    """Two brand organisations with a brand, listings and sellers each, and the other parties.

    `users` and `tokens` are keyed by role name: analyst, admin, officer, investigator, brand_a,
    brand_b.
    """

    users: dict[str, Any]
    tokens: dict[str, str]
    brand_a: Any
    brand_b: Any
    listing_a: Any
    listing_b: Any
    seller_a: Any
    seller_b: Any
    marketplace: Any
    customs: Any


@pytest.fixture
def tenants(factory: Factory) -> TenantWorld:
    """The two-brand world, committed, with an API token per user."""
    market = factory.org("marketplace", "market")
    customs = factory.org("customs", "customs")
    org_a, org_b = factory.org("brand", "brand-a"), factory.org("brand", "brand-b")
    brand_a = factory.brand("acme", "Acme Sneakers", owner=org_a)
    brand_b = factory.brand("zenith", "Zenith Secretmark", owner=org_b)
    seller_a = factory.seller("s-a", display_name="Alpha Shop")
    seller_b = factory.seller("s-b", display_name="Bravo Secretshop", email="bravo@secret.example")
    listing_a = factory.listing("l-a", seller_a, brand_a, title="Acme runner")
    listing_b = factory.listing("l-b", seller_b, brand_b, title="Zenith secret watch")
    factory.listing("l-a-held", seller_a, brand_a, status="held", title="Acme held")
    factory.notice("n-b", listing_b)
    factory.verdict(listing_b)
    users = {
        "analyst": factory.user(market, "analyst", "analyst@market.example"),
        "admin": factory.user(market, "admin", "admin@market.example"),
        "officer": factory.user(customs, "officer", "officer@customs.example"),
        "investigator": factory.user(customs, "investigator", "inv@customs.example"),
        "brand_a": factory.user(org_a, "brand_manager", "manager@brand-a.example"),
        "brand_b": factory.user(org_b, "brand_manager", "manager@brand-b.example"),
    }
    tokens = {name: factory.token(user) for name, user in users.items()}
    factory.commit()
    return TenantWorld(
        users, tokens, brand_a, brand_b, listing_a, listing_b, seller_a, seller_b, market, customs
    )


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Iterator[None]:
    """Argon2id with minimal cost in tests (production keeps argon2-cffi's defaults)."""
    from argon2 import PasswordHasher

    from guetteur.auth import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        yield


def spark_missing() -> str:
    """What the Spark tests lack ("PySpark", "Java", both, or "" when nothing is missing)."""
    import importlib.util

    from guetteur.spark import java_available

    missing = []
    if importlib.util.find_spec("pyspark") is None:
        missing.append("PySpark")
    if not java_available():
        missing.append("Java")
    return " and ".join(missing)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local, offline Spark session for the whole test session (only Spark tests ask for it).

    Without PySpark or Java the Spark tests skip with a visible notice, unless
    GUETTEUR_REQUIRE_SPARK=1 (set by .ci/run), which turns the skip into a failure. Spark tests
    carry `xdist_group("spark")` so that they share one worker, hence one JVM."""
    from guetteur.spark import spark_session

    if what := spark_missing():
        message = f"Spark tests SKIPPED: {what} not found"
        if REQUIRE_SPARK:
            pytest.fail(f"GUETTEUR_REQUIRE_SPARK=1 but {what} not found")
        _notices.append(message)
        pytest.skip(message)
    session = spark_session("guetteur-tests")
    yield session
    session.stop()
