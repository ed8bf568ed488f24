"""Node keys: an Ed25519 key to sign, an X25519 key to agree per-agreement token keys.

Private halves are stored encrypted with a key derived from the node's secret; the per-agreement
token key is derived by both nodes from their key-agreement keys, so it never travels.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from guetteur.errors import InvalidInput
from guetteur.sharing.models import NodeKey

NODE_KEY_ID = 1
TOKEN_KEY_INFO = b"guetteur agreement token key v1"
_RAW = serialization.Encoding.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw


class SecretBox:
    """Encrypts small secrets at rest with a key derived from the node's secret."""

    def __init__(self, secret: str) -> None:
        digest = hashlib.sha256(b"guetteur sharing at-rest v1\x00" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, data: bytes) -> str:
        return self._fernet.encrypt(data).decode("ascii")

    def open(self, sealed: str) -> bytes:
        try:
            return self._fernet.decrypt(sealed.encode("ascii"))
        except InvalidToken as exc:
            raise InvalidInput(
                "cannot decrypt a sharing secret: was GUETTEUR_SECRET_KEY changed?"
            ) from exc


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidInput("not base64") from exc


@dataclass(frozen=True)
class NodeKeys:
    """This node's private keys, decrypted for the duration of a job."""

    signing: Ed25519PrivateKey
    agreement: X25519PrivateKey

    @property
    def signing_public(self) -> str:
        return b64(self.signing.public_key().public_bytes(_RAW, _RAW_PUBLIC))

    @property
    def agreement_public(self) -> str:
        return b64(self.agreement.public_key().public_bytes(_RAW, _RAW_PUBLIC))


def _private_bytes(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, _RAW_PRIVATE, serialization.NoEncryption())


def ensure_node_keys(session: Session, *, secret: str) -> NodeKeys:
    """This node's keys, made on first use."""
    box = SecretBox(secret)
    row = session.get(NodeKey, NODE_KEY_ID)
    if row is None:
        keys = NodeKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        row = NodeKey(
            id=NODE_KEY_ID,
            signing_private=box.seal(_private_bytes(keys.signing)),
            agreement_private=box.seal(_private_bytes(keys.agreement)),
            signing_public=keys.signing_public,
            agreement_public=keys.agreement_public,
        )
        session.add(row)
        session.flush()
        return keys
    return NodeKeys(
        Ed25519PrivateKey.from_private_bytes(box.open(row.signing_private)),
        X25519PrivateKey.from_private_bytes(box.open(row.agreement_private)),
    )


def signing_public_key(text: str) -> Ed25519PublicKey:
    """A partner's Ed25519 public key from its base64 form."""
    try:
        return Ed25519PublicKey.from_public_bytes(unb64(text))
    except ValueError as exc:
        raise InvalidInput("not an Ed25519 public key") from exc


def derive_token_key(keys: NodeKeys, *, partner_agreement_key: str, agreement_id: str) -> bytes:
    """The per-agreement HMAC key both nodes compute (X25519 + HKDF-SHA256, salted by the id)."""
    try:
        partner = X25519PublicKey.from_public_bytes(unb64(partner_agreement_key))
    except ValueError as exc:
        raise InvalidInput("not an X25519 public key") from exc
    shared = keys.agreement.exchange(partner)
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=agreement_id.encode(), info=TOKEN_KEY_INFO
    )
    return hkdf.derive(shared)
