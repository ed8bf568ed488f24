"""Stored pictures are served to those who may see the listing or brand, and to nobody else."""

from __future__ import annotations

import hashlib
import io

from fastapi.testclient import TestClient
from PIL import Image

from guetteur.interchange.media import media_path
from guetteur.marketplace.models import Listing
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import log_in


def _stored_png(store: Store) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    path = media_path(store.settings, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return digest


def test_listing_picture_is_served_within_tenancy_only(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    digest = _stored_png(store)
    for listing in (tenants.listing_a, tenants.listing_b):
        row = factory.session.get(Listing, listing.id)
        assert row is not None
        row.images = [{"source": "images/a.png", "sha256": digest, "problem": None}]
    factory.commit()

    log_in(client, tenants.users["brand_a"].email)
    own = client.get(f"/listings/{tenants.listing_a.id}/images/0")
    assert own.status_code == 200
    assert own.headers["content-type"] == "image/png"
    assert hashlib.sha256(own.content).hexdigest() == digest
    assert 'src="/listings/' in client.get(f"/listings/{tenants.listing_a.id}").text
    assert client.get(f"/listings/{tenants.listing_a.id}/images/1").status_code == 404
    assert client.get(f"/listings/{tenants.listing_b.id}/images/0").status_code == 404
