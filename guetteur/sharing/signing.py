"""Signatures: Ed25519 over the canonical serialisation of what crosses between nodes."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from guetteur.errors import GuetteurError

SIGNATURE_HEADER = "X-Guetteur-Signature"
NODE_HEADER = "X-Guetteur-Node"


class BadSignature(GuetteurError):
    """A bundle whose signature is missing, malformed or does not match: nothing of it is kept."""

    code = "bad_signature"
    http_status = 422


def canonical(value: Any) -> bytes:
    """One byte form for a JSON value: sorted keys, no spaces, UTF-8 (what we sign and serve)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(key: Ed25519PrivateKey, body: bytes) -> str:
    """The base64 Ed25519 signature of a body that is already canonical."""
    return base64.b64encode(key.sign(body)).decode("ascii")


def sign_value(key: Ed25519PrivateKey, value: Any) -> tuple[bytes, str]:
    """The canonical bytes of a value and their signature."""
    body = canonical(value)
    return body, sign(key, body)


def verify(key: Ed25519PublicKey, body: bytes, signature: str | None) -> Any:
    """The parsed body, once its canonical form is proven signed by `key`; else BadSignature."""
    if not signature:
        raise BadSignature("the bundle is not signed")
    try:
        raw_signature = base64.b64decode(signature.encode("ascii"), validate=True)
        value = json.loads(body)
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise BadSignature("the bundle or its signature is malformed") from exc
    try:
        key.verify(raw_signature, canonical(value))
    except InvalidSignature as exc:
        raise BadSignature("the bundle's signature does not match its content") from exc
    return value
