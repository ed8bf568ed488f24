"""API tokens: random secrets shown once, stored as SHA-256 with a short prefix for lookup."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_MARK = "gt_"
PREFIX_LENGTH = 8


def new_token() -> str:
    """A fresh random token (about 256 bits), in the form `gt_<43 url-safe characters>`."""
    return TOKEN_MARK + secrets.token_urlsafe(32)


def token_prefix(token: str) -> str:
    """The short, non-secret prefix stored in clear to find a token's row."""
    return token.removeprefix(TOKEN_MARK)[:PREFIX_LENGTH]


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Whether a string has the shape of one of our tokens (cheap check before any lookup)."""
    return token.startswith(TOKEN_MARK) and len(token) > len(TOKEN_MARK) + PREFIX_LENGTH


def matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)
