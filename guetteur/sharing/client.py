"""A TAXII 2.1 client for a partner node (httpx; the transport is injectable for tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from guetteur.errors import GuetteurError
from guetteur.sharing import signing

TAXII = "application/taxii+json;version=2.1"


class PartnerError(GuetteurError):
    """The partner's server refused or failed a request."""

    code = "partner_error"
    http_status = 502


@dataclass
class Envelope:
    """A verified page of objects and where the next one starts."""

    objects: list[Any]
    more: bool
    last_added: str | None


class TaxiiClient:
    """Pull pages from a partner collection, verifying each one; push signed envelopes."""

    def __init__(
        self,
        api_root: str,
        *,
        credential: str,
        partner_key: Ed25519PublicKey,
        signing_key: Ed25519PrivateKey,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._partner_key = partner_key
        self._signing_key = signing_key
        self._http = httpx.Client(
            base_url=api_root.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {credential}", "Accept": TAXII},
            transport=transport,
            timeout=timeout,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TaxiiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise PartnerError(
                f"partner answered {response.status_code} to {response.request.method} "
                f"{response.request.url.path}: {response.text[:300]}"
            )

    def get_objects(self, collection_id: str, *, added_after: str | None, limit: int) -> Envelope:
        """One page after `added_after`, verified against the partner's key before parsing."""
        params: dict[str, str | int] = {"limit": limit, "match[version]": "all"}
        if added_after:
            params["added_after"] = added_after
        response = self._http.get(f"collections/{collection_id}/objects/", params=params)
        self._check(response)
        body = signing.verify(
            self._partner_key, response.content, response.headers.get(signing.SIGNATURE_HEADER)
        )
        if not isinstance(body, dict):
            raise signing.BadSignature("the envelope is not a JSON object")
        objects = body.get("objects", [])
        if not isinstance(objects, list):
            raise PartnerError("the envelope's objects are not a list")
        return Envelope(
            objects, bool(body.get("more")), response.headers.get("X-TAXII-Date-Added-Last")
        )

    def add_objects(self, collection_id: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """Post a signed envelope; the status resource the partner returned."""
        body, signature = signing.sign_value(self._signing_key, {"objects": objects})
        response = self._http.post(
            f"collections/{collection_id}/objects/",
            content=body,
            headers={"Content-Type": TAXII, signing.SIGNATURE_HEADER: signature},
        )
        self._check(response)
        status: dict[str, Any] = response.json()
        return status
