"""Acceptance tests: permissions on every route, tenancy on every id route, CSRF, hostile bodies."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from guetteur.auth.models import ApiToken
from guetteur.config import Settings
from guetteur.web.app import create_app
from guetteur.web.deps import permission_of, public
from tests.conftest import DEFAULT_PASSWORD, Factory, Store, TenantWorld
from tests.web.helpers import bearer, csrf_from, log_in

PUBLIC_MOUNTS = {"/static"}


def _routes(app: FastAPI) -> Iterator[RouteContext]:
    """Every route of the app, with its full path (routers included with a prefix too)."""
    yield from iter_route_contexts(app.routes)


def _declared_permissions(route: RouteContext) -> list[str]:
    found: list[str] = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        permission = permission_of(dependency.call)
        if permission is not None:
            found.append(permission)
        stack.extend(dependency.dependencies)
    return found


def test_every_route_declares_a_permission(sqlite_settings: Settings) -> None:
    app = create_app(sqlite_settings)
    undeclared = []
    for route in _routes(app):
        if isinstance(route.original_route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        assert isinstance(route.original_route, APIRoute), f"{route!r} is not an APIRoute"
        if len(_declared_permissions(route)) != 1:
            undeclared.append(f"{sorted(route.methods or ())} {route.path}")
    assert not undeclared, f"routes without exactly one declared permission: {undeclared}"
    app.state.engine.dispose()


def _id_routes(app: FastAPI) -> Iterator[tuple[str, str, list[str]]]:
    for route in _routes(app):
        if isinstance(route.original_route, APIRoute) and route.param_convertors:
            for method in sorted(route.methods or ()):
                assert route.path is not None
                yield method, route.path, list(route.param_convertors)


def _other_tenant_ids(world: TenantWorld) -> dict[str, str]:
    """For each path parameter, an id that belongs to brand B (or to brand B's manager)."""
    return {
        "brand_id": world.brand_b.id,
        "listing_id": world.listing_b.id,
        "seller_id": world.seller_b.id,
        "token_id": "",  # filled in from the store
        "index": "0",
        "declaration_id": "d-1",  # customs and custody: brands get 403 on every route
        "detention_id": "1",
        "step": "notify",
        "lot_id": "1",
        "application_id": "1",
        "case_id": "1",  # cases: NotFound outside the organisations taking part
        "task_id": "1",
        "evidence_id": "1",
        "agreement_id": "3b9a4f7e-0c1d-4e2f-8a9b-5c6d7e8f9a0b",  # sharing: brands get 403
        "collection_id": "7d6ab6ab-0041-57bf-931b-92f625ca9933",
        "object_id": "identity--3e2fb933-9688-5fa9-a548-8d34db7a1e4f",
        "status_id": "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
        "network_id": "N-0123456789ab",  # networks: brands get 403 on every route
        "notice_id": "n-b",  # notice and action: a brand sees its own notices only
        "statement_id": "SOR-20250302-0000000000",  # the marketplace's analysts only: 403
        "appeal_id": "AP-20250302-0000000000",
        "removal_id": "RM-20250302-0000000000",
        "organisation_id": str(world.brand_b.owner_organisation_id),  # admins only: 403
    }


SECRETS = ("Zenith", "Secretmark", "secret", "Bravo")
MARKETPLACE_ONLY = ("/review/", "/api/review/")  # the review queue: 403 to brands, own ids too


def test_brand_user_cannot_read_another_brands_data_through_any_id_route(
    store: Store, tenants: TenantWorld, app: FastAPI, client: TestClient
) -> None:
    ids = _other_tenant_ids(tenants)
    with store.sessions() as session:
        other_token = session.query(ApiToken).filter_by(user_id=tenants.users["brand_b"].id).one()
        ids["token_id"] = str(other_token.id)
    csrf = log_in(client, tenants.users["brand_a"].email)
    api_headers = bearer(tenants.tokens["brand_a"])
    tried = []
    for method, path, params in _id_routes(app):
        unknown = [p for p in params if p not in ids]
        assert not unknown, f"{path}: teach this test an id of another tenant for {unknown}"
        url = path.format(**{p: ids[p] for p in params})
        api = path.startswith(("/api/", "/taxii2/"))
        kwargs: dict[str, object] = {"headers": api_headers} if api else {}
        if method == "POST" and not api:
            kwargs["data"] = {"csrf_token": csrf}
        response = client.request(method, url, follow_redirects=False, **kwargs)  # type: ignore[arg-type]
        tried.append((method, url, response.status_code))
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert not any(s in response.text for s in SECRETS), (method, url, response.text)
    paths = {path for _, path, _ in tried}
    assert {"/api/brands/zenith", "/brands/zenith", "/api/listings/l-b", "/listings/l-b"} <= paths
    assert len(tried) >= 8
    # the same routes do answer with the user's own ids (so the refusals above mean something)
    own = {"brand_id": "acme", "listing_id": "l-a"}
    for method, path, params in _id_routes(app):
        if method == "GET" and set(params) <= set(own) and not path.startswith(MARKETPLACE_ONLY):
            url = path.format(**{p: own[p] for p in params})
            kwargs = {"headers": api_headers} if path.startswith("/api/") else {}
            assert client.get(url, **kwargs).status_code == 200, url  # type: ignore[arg-type]
    with store.sessions() as session:
        assert session.get(ApiToken, int(ids["token_id"])).revoked_at is None  # type: ignore[union-attr]


def test_brand_user_lists_show_only_its_own_brands(
    tenants: TenantWorld, client: TestClient
) -> None:
    headers = bearer(tenants.tokens["brand_a"])
    for url in ("/api/brands", "/api/listings", "/api/listings?q=zenith&brand_id=zenith"):
        body = client.get(url, headers=headers).text
        assert not any(s in body for s in SECRETS), url
    listings = client.get("/api/listings", headers=headers).json()
    assert sorted(x["id"] for x in listings["items"]) == ["l-a", "l-a-held"]
    log_in(client, tenants.users["brand_a"].email)
    for url in ("/", "/brands", "/listings", "/listings?brand_id=zenith", "/brands?q=zen"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not any(s in response.text for s in SECRETS), url


def test_login_and_csrf(tenants: TenantWorld, client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
    email = tenants.users["analyst"].email
    refused = client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303  # still logged out
    wrong = client.post(
        "/login",
        data={
            "email": email,
            "password": "nope-nope",
            "csrf_token": csrf_from(client.get("/login").text),
        },
    )
    assert wrong.status_code == 401
    assert "wrong e-mail or password" in wrong.text
    csrf = log_in(client, email)
    assert client.get("/").status_code == 200
    # a logged-in form post without (or with a wrong) token is refused and changes nothing
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 403
    assert (
        client.post("/account/tokens", data={"name": "x", "csrf_token": "forged"}).status_code
        == 403
    )
    assert "<td>x</td>" not in client.get("/account").text
    created = client.post("/account/tokens", data={"name": "laptop", "csrf_token": csrf})
    assert created.status_code == 200 and "shown only this once" in created.text
    assert client.post("/logout", data={}).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_tokens_are_stored_hashed_and_work_as_bearer(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    issued = client.post(
        "/api/auth/token",
        json={"email": tenants.users["analyst"].email, "password": DEFAULT_PASSWORD, "name": "ci"},
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    with store.sessions() as session:
        rows = session.query(ApiToken).all()
        assert all(token not in (r.token_hash, r.prefix) for r in rows)
        stored = [r for r in rows if r.name == "ci"]
        assert len(stored) == 1 and len(stored[0].token_hash) == 64
        assert token.removeprefix("gt_").startswith(stored[0].prefix)
    me = client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["email"] == tenants.users["analyst"].email
    assert "token" not in client.get("/api/tokens", headers=bearer(token)).json()[0]
    revoked = client.delete(f"/api/tokens/{issued.json()['id']}", headers=bearer(token))
    assert revoked.status_code == 200
    assert client.get("/api/me", headers=bearer(token)).status_code == 401


MALFORMED = [
    (b"{not json", "application/json"),
    (b'{"email": "a@b.c", "password": ', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b'"just a string"', "application/json"),
    (b"null", "application/json"),
    (b'{"email": 1, "password": []}', "application/json"),
    (b"email=a&password=b", "application/x-www-form-urlencoded"),
    (b'{"email": "a@b.c", "password": "x"}', "text/plain"),
]


def test_malformed_json_gets_4xx(tenants: TenantWorld, client: TestClient) -> None:
    for (body, content_type), (url, headers) in itertools.product(
        MALFORMED, [("/api/auth/token", {}), ("/api/tokens", bearer(tenants.tokens["analyst"]))]
    ):
        response = client.post(url, content=body, headers={"content-type": content_type, **headers})
        assert 400 <= response.status_code < 500, (url, body[:40], response.status_code)
        assert set(response.json()) == {"detail", "code", "errors"}


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


def test_oversized_bodies_get_413(store: Store, factory: Factory) -> None:
    settings = store.settings.model_copy(update={"max_body_bytes": 10_000})
    app = create_app(settings, engine=store.engine)
    big = json.dumps({"email": "a@b.c", "password": "x" * 20_000}).encode()
    with TestClient(app) as client:
        declared = client.post(
            "/api/auth/token", content=big, headers={"content-type": "application/json"}
        )
        assert declared.status_code == 413
        assert declared.json()["code"] == "payload_too_large"
        chunked = client.post(
            "/api/auth/token",
            content=_chunks(50_000),
            headers={"content-type": "application/json"},
        )
        assert chunked.status_code == 413
        form = client.post(
            "/login",
            content=_chunks(50_000),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 413
        fine = client.post(
            "/api/auth/token",
            json={"email": "nobody@x.example", "password": "whatever"},
        )
        assert fine.status_code == 401


def test_lying_content_length_gets_413(store: Store) -> None:
    settings = store.settings.model_copy(update={"max_body_bytes": 1_000})
    app = create_app(settings, engine=store.engine)
    messages = [
        {"type": "http.request", "body": b"{" + b" " * 600, "more_body": True},
        {"type": "http.request", "body": b" " * 600 + b"}", "more_body": False},
    ]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/auth/token",
        "raw_path": b"/api/auth/token",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"10")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413


def test_unexpected_errors_keep_the_error_shape_and_hide_details(sqlite_settings: Settings) -> None:
    app = create_app(sqlite_settings)

    def boom(_anyone: object = public()) -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/api/boom")
        assert api.status_code == 500
        assert api.json() == {
            "detail": "an unexpected error occurred; it has been logged",
            "code": "internal_error",
            "errors": [],
        }
        page = client.get("/boom")
        assert page.status_code == 500 and "Internal Server Error" in page.text
        assert "secret internals" not in page.text + api.text
        missing = client.get("/no/such/page")
        assert missing.status_code == 404 and "<h1>404" in missing.text
        assert client.get("/api/nothing").json()["code"] == "not_found"
        assert client.put("/api/me").status_code == 405
