"""Pydantic shapes of the auth API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    kind: str


class MeRead(BaseModel):
    """Who the caller is and what it may do."""

    id: int
    email: str
    display_name: str
    role: str
    organisation: OrganisationRead
    permissions: list[str]
    brand_ids: list[str]


class LoginCreate(BaseModel):
    """E-mail and password exchanged for an API token."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)
    name: str = Field(default="api", min_length=1, max_length=100)


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)


class TokenRead(BaseModel):
    """A token as listed: never the token itself, only its prefix."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenRead):
    """A token just created: `token` is shown this once and never again."""

    token: str
