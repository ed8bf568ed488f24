"""The network pages: list and search, the drawing, evidence, tenancy, and the two forms."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guetteur.actors import detail
from guetteur.actors.models import LinkLabel
from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import system_actor
from guetteur.marketplace.models import Listing, Seller
from tests.actors.network_world import NETWORK_ID, build
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import log_in

PAGE = f"/networks/{NETWORK_ID}"


def test_analyst_lists_searches_and_opens_a_network(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    build(factory, tenants)
    log_in(client, tenants.users["analyst"].email)
    listing = client.get("/networks")
    assert listing.status_code == 200
    assert NETWORK_ID in listing.text and "Ring One" in listing.text
    assert 'href="/networks"' in listing.text  # in the navigation
    assert NETWORK_ID in client.get("/networks?q=ring+two").text
    assert NETWORK_ID in client.get("/networks?q=d-9:consignor").text
    assert NETWORK_ID not in client.get("/networks?q=nobody-at-all").text
    assert NETWORK_ID not in client.get("/networks?status=dissolved").text
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text and "<script" not in text
    for expected in (
        "Ring One",
        "r3",
        "d-9:consignor",
        "same bank account …3000",
        "probable match",
    ):
        assert expected in text, expected
    assert "excluded: shared by 120 accounts" in text  # the forwarder's address, a super-node
    assert "l-r1-blocked" in text and "status-held" in text  # members' listings with status
    assert "n-r2" in text and "counterfeit" in text  # notice and verdict
    assert "shown to those who may read customs data" in text  # analysts see no customs records
    with store.sessions() as session:  # the marketplace reading its own data is not audited
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.read")
        ).all()
        assert not reads


def test_investigator_sees_customs_records_and_the_read_is_audited(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    build(factory, tenants)
    log_in(client, tenants.users["investigator"].email)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "detention #" in page.text and "ipr_suspected" in page.text
    assert "recorded in the audit log" in page.text
    assert "Act on the whole network" not in page.text  # investigators read, they do not act
    with store.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.read")
        ).one()
        assert (entry.object_type, entry.object_id) == ("network", NETWORK_ID)


def test_brands_and_customs_officers_never_see_networks(
    factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    build(factory, tenants)
    for user in ("brand_a", "officer"):
        client.cookies.clear()
        log_in(client, tenants.users[user].email)
        assert client.get("/networks").status_code == 403
        page = client.get(PAGE)
        assert page.status_code == 403 and "Ring" not in page.text
        assert 'href="/networks"' not in client.get("/").text


def test_drawing_is_deterministic(factory: Factory, tenants: TenantWorld) -> None:
    build(factory, tenants)
    actor = system_actor("test")
    first = detail.get(factory.session, actor=actor, network_id=NETWORK_ID).svg
    second = detail.get(factory.session, actor=actor, network_id=NETWORK_ID).svg
    assert first == second
    assert first.count("<circle") == 4  # three accounts and one declaration party
    assert 'class="identifier excluded"' in first and "link-probabilistic" in first


def test_acting_on_the_network_needs_csrf_and_is_audited(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    world = build(factory, tenants)
    csrf = log_in(client, tenants.users["analyst"].email)
    form = {"hold_listings": "1", "suspend": "1", "reason": "ring"}
    assert client.post(f"{PAGE}/act", data=form).status_code == 403
    with store.sessions() as session:
        assert session.get_one(Listing, "l-r1").status == "live"
    done = client.post(f"{PAGE}/act", data={**form, "csrf_token": csrf})
    assert done.status_code == 200 and "3 listings held, 3 accounts suspended" in done.text
    with store.sessions() as session:
        statuses = {x.id: x.status for x in session.scalars(select(Listing))}
        assert all(statuses[i] == "held" for i in world.live)
        assert statuses["l-r1-blocked"] == "blocked" and statuses["l-a"] == "live"
        assert {s.status for s in session.scalars(select(Seller).where(Seller.id.like("r%")))} == {
            "suspended"
        }
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "actors.network_act")
        ).one()
        assert entry.object_id == NETWORK_ID
        assert sorted(entry.detail["listings_held"]) == sorted(world.live)
        assert entry.detail["sellers_suspended"] == ["r1", "r2", "r3"]
        per_seller = session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.action == "marketplace.seller_suspend")
        ).all()
        assert sorted(per_seller) == ["r1", "r2", "r3"]


def test_analyst_cuts_a_link_from_the_page(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    build(factory, tenants)
    csrf = log_in(client, tenants.users["analyst"].email)
    form = {"left_id": "r1", "right_id": "d-9:consignor", "label": "cut", "note": "not them"}
    assert client.post(f"{PAGE}/links", data=form).status_code == 403
    posted = client.post(f"{PAGE}/links", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert posted.status_code == 303
    page = client.get(PAGE).text
    assert "cut by analyst@market.example" in page and "not them" in page
    assert "link-cut" in page
    wrong = client.post(f"{PAGE}/links", data={**form, "label": "maybe", "csrf_token": csrf})
    assert wrong.status_code == 422 and "one of confirm, cut" in wrong.text
    with store.sessions() as session:
        label = session.scalars(select(LinkLabel)).one()
        assert (label.left_id, label.right_id, label.label) == ("d-9:consignor", "r1", "cut")
        assert label.network_id == NETWORK_ID
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "actors.link_cut" in actions
