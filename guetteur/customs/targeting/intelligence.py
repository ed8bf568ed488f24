"""Intelligence matches: what other parts of the platform (and partners) know about the parties.

`IntelligenceProvider` is the seam: given the declarations to rank and the time of ranking, it
returns matches per declaration, each with a strength in (0, 1) and words for the officer. The
default provider knows nothing. `PartyIntelligence` matches declarations against seller accounts
found selling counterfeits and against networks (from `guetteur link`) that hold such sellers or
parties whose parcels were found infringing. Indicators received from partners (sharing) plug in
as one more provider; `combined` chains several.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import pandas as pd

SELLER_STRENGTH = 0.5
NETWORK_STRENGTH = 0.35


@dataclass(frozen=True)
class Match:
    """One piece of intelligence about a declaration."""

    code: str
    strength: float
    detail: str


class IntelligenceProvider(Protocol):
    """Finds what is known about declarations' parties as of a time."""

    name: str

    def matches(self, declarations: pd.DataFrame, *, as_of: datetime) -> dict[str, list[Match]]:
        """Matches keyed by declaration id (`declarations` has `id`, `seller` and parties)."""
        ...


class NoIntelligence:
    """The default: no matches."""

    name = "none"

    def matches(self, declarations: pd.DataFrame, *, as_of: datetime) -> dict[str, list[Match]]:
        return {}


@dataclass
class PartyIntelligence:
    """Matches on flagged sellers and on networks that hold flagged members.

    `flagged_sellers` maps a seller id to why it is flagged (e.g. "3 listings confirmed
    counterfeit"); `member_network` maps network members (seller ids and `declaration_id:role`)
    to their network; `flagged_networks` maps a network to why it is flagged.
    """

    flagged_sellers: Mapping[str, str] = field(default_factory=dict)
    member_network: Mapping[str, str] = field(default_factory=dict)
    flagged_networks: Mapping[str, str] = field(default_factory=dict)
    name: str = "parties"

    def matches(self, declarations: pd.DataFrame, *, as_of: datetime) -> dict[str, list[Match]]:
        found: dict[str, list[Match]] = {}
        for decl_id, seller in zip(declarations["id"], declarations["seller"], strict=True):
            hits = list(self._for(str(decl_id), str(seller or "")))
            if hits:
                found[str(decl_id)] = hits
        return found

    def _for(self, decl_id: str, seller: str) -> Iterable[Match]:
        if seller and seller in self.flagged_sellers:
            why = self.flagged_sellers[seller]
            yield Match("intel.seller_flagged", SELLER_STRENGTH, f"seller {seller}: {why}")
        networks = {
            self.member_network[m]
            for m in (seller, f"{decl_id}:consignor", f"{decl_id}:importer")
            if m and m in self.member_network
        }
        for network in sorted(networks):
            if network in self.flagged_networks:
                detail = f"party linked to network {network}: {self.flagged_networks[network]}"
                yield Match("intel.network_flagged", NETWORK_STRENGTH, detail)


@dataclass
class Combined:
    """Several providers as one."""

    providers: list[IntelligenceProvider]
    name: str = "combined"

    def matches(self, declarations: pd.DataFrame, *, as_of: datetime) -> dict[str, list[Match]]:
        found: dict[str, list[Match]] = {}
        for provider in self.providers:
            for decl_id, hits in provider.matches(declarations, as_of=as_of).items():
                found.setdefault(decl_id, []).extend(hits)
        return found


def boost(score: float, matches: Iterable[Match]) -> float:
    """The score after matches: each one removes a share of the remaining doubt (noisy OR)."""
    doubt = 1.0 - score
    for match in matches:
        doubt *= 1.0 - match.strength
    return 1.0 - doubt
