"""Partial ground truth: analyst reviews, brand notices, test buys and seizures, with their times.

Only a share of listings ever gets a verdict, more often the suspicious-looking ones; reviewers
sometimes err (a later test buy may correct them); brands sometimes notice genuine listings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from guetteur.demo.world.model import iso

NOTICE_ODDS = {
    "blatant": 0.3,
    "obfuscated": 0.12,
    "super_fake": 0.3,
    "quiet": 0.25,
    "hijacked": 0.3,
}
REVIEW_ODDS = {
    "blatant": 0.35,
    "obfuscated": 0.25,
    "super_fake": 0.15,
    "quiet": 0.22,
    "hijacked": 0.2,
}
GENUINE_REVIEW = {"clearance": 0.22, "grey": 0.12, "new_honest": 0.14, "accessory": 0.1}
MISTAKEN_NOTICE = {"grey": 0.05, "clearance": 0.06, "accessory": 0.05, "reseller": 0.012}
_DETAILS = {
    "counterfeit": "Product is not genuine; our test purchases and image review confirm it.",
    "trademark": "Unauthorised use of our word mark in the listing.",
    "copyright": "Our official product photographs are used without permission.",
    "design": "The product copies our registered design.",
}


@dataclass
class Outcomes:
    """Verdicts and notices collected while the listings are written."""

    verdicts: list[tuple[datetime, str, str, str]] = field(default_factory=list)
    notices: list[tuple[datetime, str, str, str, str]] = field(default_factory=list)

    def verdict(self, listing_id: str, verdict: str, source: str, at: datetime) -> None:
        """Record one verdict."""
        self.verdicts.append((at, listing_id, verdict, source))

    def notice(self, brand_id: str, listing_id: str, reason: str, at: datetime) -> None:
        """Record one notice."""
        self.notices.append((at, brand_id, listing_id, reason, ""))

    def verdict_rows(self) -> list[dict[str, Any]]:
        """verdicts.jsonl lines in decision order."""
        return [
            {"listing_id": lid, "verdict": v, "source": s, "decided_at": iso(at)}
            for at, lid, v, s in sorted(self.verdicts)
        ]

    def notice_rows(self) -> list[dict[str, Any]]:
        """notices.jsonl lines in submission order, numbered in that order."""
        rows = []
        for n, (at, brand_id, lid, reason, _) in enumerate(sorted(self.notices), start=1):
            rows.append(
                {
                    "id": f"notice-{n:06d}",
                    "brand_id": brand_id,
                    "listing_id": lid,
                    "reason": reason,
                    "submitted_at": iso(at),
                    "details": _DETAILS[reason],
                }
            )
        return rows


def _later(rng: random.Random, after: datetime, low_hours: float, high_hours: float) -> datetime:
    return after + timedelta(seconds=int(rng.uniform(low_hours, high_hours) * 3600) + 1)


def judge(rng: random.Random, outcomes: Outcomes, truth: dict[str, Any], created: datetime) -> None:
    """Draw the notices and verdicts a listing receives."""
    if truth["label"] == "counterfeit":
        _judge_fake(rng, outcomes, truth, created)
    else:
        _judge_genuine(rng, outcomes, truth, created)


def _judge_fake(
    rng: random.Random, outcomes: Outcomes, truth: dict[str, Any], created: datetime
) -> None:
    lid, tactic = truth["listing_id"], truth["tactic"]
    if rng.random() < NOTICE_ODDS.get(tactic, 0.2) and truth["brand_id"]:
        reason = rng.choices(("counterfeit", "trademark", "copyright", "design"), (80, 10, 7, 3))[0]
        sent = created + timedelta(hours=rng.expovariate(1 / 140))
        outcomes.notice(truth["brand_id"], lid, reason, sent)
        outcomes.verdict(lid, "counterfeit", "notice", _later(rng, sent, 1, 72))
    if rng.random() < REVIEW_ODDS.get(tactic, 0.2):
        wrong = rng.random() < (0.2 if tactic == "super_fake" else 0.04)
        decided = _later(rng, created, 0.2, 120)
        outcomes.verdict(lid, "genuine" if wrong else "counterfeit", "review", decided)
        if wrong and rng.random() < 0.5:
            outcomes.verdict(lid, "counterfeit", "test_buy", _later(rng, decided, 240, 900))
    elif rng.random() < (0.12 if tactic == "super_fake" else 0.03):
        outcomes.verdict(lid, "counterfeit", "test_buy", _later(rng, created, 200, 800))


def _judge_genuine(
    rng: random.Random, outcomes: Outcomes, truth: dict[str, Any], created: datetime
) -> None:
    lid, kind = truth["listing_id"], truth["seller_kind"]
    if rng.random() < MISTAKEN_NOTICE.get(kind, 0.003) and truth["brand_id"]:
        reason = (
            "trademark"
            if kind == "accessory"
            else rng.choice(("counterfeit", "counterfeit", "copyright"))
        )
        sent = created + timedelta(hours=rng.expovariate(1 / 200))
        outcomes.notice(truth["brand_id"], lid, reason, sent)
        accepted = rng.random() < 0.15
        outcomes.verdict(
            lid, "counterfeit" if accepted else "genuine", "notice", _later(rng, sent, 2, 96)
        )
    if rng.random() < GENUINE_REVIEW.get(kind, 0.05):
        wrong = rng.random() < 0.03
        decided = _later(rng, created, 0.2, 120)
        outcomes.verdict(lid, "counterfeit" if wrong else "genuine", "review", decided)
        if wrong and rng.random() < 0.5:
            outcomes.verdict(lid, "genuine", "test_buy", _later(rng, decided, 240, 900))
