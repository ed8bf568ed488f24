"""Counterfeit vocabulary in several languages: the words sellers of fakes use to say so.

Strong terms all but admit a copy ("replica", "1:1", "AAA", "mirror quality", "réplique");
soft terms hint at one ("inspired by", "same factory", "original quality", "no box"). Terms are
matched on normalised text (see `brand_signals.normalise`) at word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guetteur.detection.brand_signals import deobfuscate

STRONG = (
    "replica", "replicas", "replika", "replique", "repliques", "replicas", "fake", "fakes",
    "1:1", "1 : 1", "1to1", "one to one copy", "aaa", "aaa+", "aaaa", "a+++", "mirror quality",
    "mirror copy", "mirror grade", "top copy", "high copy", "copy of", "kopie", "nachbau",
    "nachgemacht", "falso", "falsa", "falsificado", "imitation", "imitacion", "imitazione",
    "contrefacon", "copie", "replica grade", "super fake", "superfake", "ua quality",
    "unauthorized authentic", "unauthorised authentic", "1 1 quality", "1:1 quality",
)  # fmt: skip
SOFT = (
    "inspired by", "inspired", "inspire de", "inspiriert von", "ispirato a", "inspirado en",
    "same factory", "meme usine", "gleiche fabrik", "misma fabrica", "stessa fabbrica",
    "original quality", "oem quality", "factory quality", "qualite originale", "qualite origine",
    "originalqualitat", "original qualitat", "calidad original", "qualita originale",
    "same as original", "identical to original", "look alike", "lookalike", "dupe", "dupes",
    "no box", "without box", "sans boite", "ohne karton", "unbranded", "style", "similar to",
    "high quality copy", "best version", "factory direct", "wholesale", "grade a",
)  # fmt: skip
GENUINE = (
    "invoice", "receipt", "authorised distributor", "authorized distributor", "authorised dealer",
    "authorized dealer", "official store", "manufacturer warranty", "facture", "rechnung",
    "factura", "fattura", "garantie", "warranty",
)  # fmt: skip


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(t) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9+])")


NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "non",
        "pas",
        "jamais",
        "kein",
        "keine",
        "nicht",
        "ni",
        "nunca",
        "nessun",
    }
)
# "AAA" is also a battery size, not only a counterfeit grade.
BATTERY_WORDS = ("battery", "batteries", "batterie", "batterien", "pile", "piles", "pila", "pilas",
                 "akku", "cell", "cells", "size", "alkaline", "rechargeable")  # fmt: skip
NOT_A_GRADE = re.compile(r"^\W*(?:" + "|".join(BATTERY_WORDS) + r")\b")
STRONG_RE = _pattern(STRONG)
SOFT_RE = _pattern(SOFT)
GENUINE_RE = _pattern(GENUINE)


@dataclass(frozen=True)
class VocabularyHits:
    """Counterfeit and provenance terms found in a listing's words."""

    strong: tuple[str, ...]
    soft: tuple[str, ...]
    genuine: tuple[str, ...]


def vocabulary_hits(text: str) -> VocabularyHits:
    """The strong, soft and provenance terms in `text` (normalised, leetspeak undone)."""
    cleaned = deobfuscate(text)
    return VocabularyHits(
        strong=tuple(dict.fromkeys(_affirmed(cleaned))),
        soft=tuple(dict.fromkeys(SOFT_RE.findall(cleaned))),
        genuine=tuple(dict.fromkeys(GENUINE_RE.findall(cleaned))),
    )


def _affirmed(text: str) -> list[str]:
    """Strong terms not negated ("not a replica") and not a battery size ("AAA battery")."""
    found = []
    for match in STRONG_RE.finditer(text):
        before = re.findall(r"[a-z]+", text[max(0, match.start() - 25) : match.start()])[-3:]
        if NEGATIONS.intersection(before):
            continue
        if match.group(0).startswith("aaa") and NOT_A_GRADE.match(text[match.end() :]):
            continue
        found.append(match.group(0))
    return found
