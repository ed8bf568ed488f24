"""Pydantic shapes of the registry API (read side)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from guetteur.registry.models import Brand


class BrandRead(BaseModel):
    id: str
    name: str
    aliases: list[str]
    categories: list[str]
    countries_of_manufacture: list[str]
    authorised_sellers: list[str]
    owner_organisation_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, brand: Brand) -> BrandRead:
        return cls(
            id=brand.id,
            name=brand.name,
            aliases=list(brand.aliases or []),
            categories=list(brand.categories or []),
            countries_of_manufacture=list(brand.countries_of_manufacture or []),
            authorised_sellers=[a.seller_id for a in brand.authorised_sellers],
            owner_organisation_id=brand.owner_organisation_id,
            created_at=brand.created_at,
        )


class BrandPage(BaseModel):
    items: list[BrandRead]
    total: int
    limit: int
    offset: int
