"""Rules an officer can read: goods descriptions too vague to tell what is in the box."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about the goods, in the languages parcels arrive with.
VAGUE_WORDS = _words(
    """
    gift gifts present sample samples accessories accessory parts part goods item items
    stuff things product products merchandise household clothes clothing garment bag bags
    toy toys electronic electronics spare spares article articles commodity commodities
    cadeau cadeaux échantillon echantillon marchandise marchandises vêtements vetements
    geschenk geschenke muster ware waren kleidung regalo regali campione muestra artículos
    articulos cadeautje monster goederen kleding 礼物 样品 配件
    """
)
FILLER = _words("a an and of for the with new used various misc mixed de et pour")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def vague_description(text: str) -> str | None:
    """Why a goods description is too vague to identify the goods, or None when it is not."""
    words = [w.lower() for w in WORD.findall(text or "")]
    meaningful = [w for w in words if w not in FILLER]
    if not meaningful:
        return "no goods description"
    if all(w in VAGUE_WORDS for w in meaningful):
        return f"goods described only as {text.strip()!r}"
    return None
