"""The marketplace over twelve months: which account lists what, when; streamed month by month."""

from __future__ import annotations

import random
from datetime import datetime
from itertools import accumulate

from guetteur.demo.world.customs import SeizureLinks
from guetteur.demo.world.listings import ListingMaker
from guetteur.demo.world.model import MONTHS, Seller, month_start, rand_between
from guetteur.demo.world.verdicts import Outcomes, judge
from guetteur.demo.world.writer import JsonlFiles

SEASON = (0.9, 0.85, 0.95, 0.95, 1.0, 0.95, 0.9, 0.85, 1.0, 1.05, 1.25, 1.35)
HIJACK_BURST = 3.0


def month_counts(total: int) -> list[int]:
    """Listings per month, busier before Christmas, summing to `total`."""
    norm = sum(SEASON)
    counts = [int(total * s / norm) for s in SEASON]
    counts[-1] += total - sum(counts)
    return counts


def _weight(seller: Seller, low: datetime, high: datetime) -> float:
    if seller.active_from >= high or seller.active_to <= low:
        return 0.0
    share = (min(high, seller.active_to) - max(low, seller.active_from)) / (high - low)
    burst = HIJACK_BURST if seller.hijacked_at is not None and seller.hijacked_at < high else 1.0
    return seller.weight * share * burst


def _moment(rng: random.Random, seller: Seller, low: datetime, high: datetime) -> datetime:
    start, stop = max(low, seller.active_from), min(high, seller.active_to)
    if seller.hijacked_at is not None and low <= seller.hijacked_at < high and rng.random() < 0.7:
        start = seller.hijacked_at
    return rand_between(rng, start, stop)


def write_listings(
    rng: random.Random,
    maker: ListingMaker,
    sellers: list[Seller],
    total: int,
    files: JsonlFiles,
    outcomes: Outcomes,
    links: SeizureLinks,
) -> None:
    """Stream listings.jsonl and truth/listings.jsonl in time order, judging each listing."""
    number = 0
    for index, count in enumerate(month_counts(total)):
        low, high = month_start(index), month_start(index + 1)
        weights = [_weight(s, low, high) for s in sellers]
        chosen = rng.choices(sellers, cum_weights=list(accumulate(weights)), k=count)
        batch = sorted(
            ((_moment(rng, s, low, high), s.key, s) for s in chosen), key=lambda t: t[:2]
        )
        for moment, _, seller in batch:
            number += 1
            record, truth = maker.make(seller, moment, f"lst-{number:07d}")
            files.write("listings", record)
            files.write("truth/listings", truth)
            judge(rng, outcomes, truth, moment)
            if truth["label"] == "counterfeit":
                links.add(seller.id, moment, record["id"])
    assert len(SEASON) == MONTHS
