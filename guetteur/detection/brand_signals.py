"""Brand signals: which registry brand a listing claims or names, and how it spells it.

Text is normalised (Unicode NFKC, case folding, accents stripped, look-alike letters from other
scripts mapped to Latin, zero-width characters dropped) before brand names are searched for, then
searched again after undoing leetspeak and letters spaced apart, and finally with a fuzzy match
(rapidfuzz) for misspellings. A mention preceded by "compatible with", "fits", "for", "pour",
"kompatibel mit"... describes what a product goes with rather than claiming the brand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from rapidfuzz import fuzz, process

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g", "ɑ": "a", "ı": "i",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ℓ": "l",
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
        "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "А": "a", "В": "b",
        "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
        "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s",
    }
)  # fmt: skip
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                      "9": "g", "@": "a", "$": "s", "€": "e", "!": "i", "|": "l"})  # fmt: skip
WORD = re.compile(r"[a-z0-9]+")
_L, _D = "[a-z0-9@$€!|]*", "[0-9@$€!|]"
LEET_WORD = re.compile(f"{_L}(?:[a-z]{_L}{_D}|{_D}{_L}[a-z]){_L}")
SPACED_LETTERS = re.compile(r"\b[a-z0-9](?:[ .\-_*·/]{1,2}[a-z0-9]\b){2,}")
DESCRIPTIVE_BEFORE = (
    "compatible with", "compatible for", "compatible", "fits", "fit for", "for", "works with",
    "suitable for", "replacement for", "designed for", "made for", "to fit", "pour",
    "compatible avec", "adapte a", "adapte pour", "kompatibel mit", "passend fur", "fur",
    "geeignet fur", "para", "compatible con", "compatibile con", "per", "voor", "geschikt voor",
)  # fmt: skip
DISCLAIMERS = (
    "is a trademark of", "are trademarks of", "not made or endorsed", "not affiliated",
    "not endorsed by", "no affiliation", "marque deposee de", "warenzeichen",
)  # fmt: skip
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 86.0


class Spelling(IntEnum):
    """How a brand name was found: not at all, as written, or disguised."""

    NONE = 0
    EXACT = 1
    OBFUSCATED = 2
    MISSPELLED = 3


@dataclass(frozen=True)
class BrandName:
    """One spelling a brand is known by (its word mark or an alias)."""

    brand_id: str
    name: str


@dataclass(frozen=True)
class Mention:
    """A brand name found in a text, how it was spelled and whether it only describes a fit."""

    brand_id: str
    spelling: Spelling
    descriptive: bool
    start: int


def plain(text: str) -> str:
    """NFKC, case-folded, accent-free text (look-alike letters from other scripts kept)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """NFKC, case-folded, accent-free text with look-alike letters mapped to Latin."""
    if text.isascii():
        return text.lower()
    return plain(text.translate(ZERO_WIDTH).translate(CONFUSABLES)).translate(CONFUSABLES)


def deobfuscate(text: str) -> str:
    """Normalised text, leetspeak undone in words holding letters, spaced letters joined."""

    text = LEET_WORD.sub(lambda m: m.group(0).translate(LEET), normalise(text))
    return SPACED_LETTERS.sub(lambda m: re.sub(r"[^a-z0-9]", "", m.group(0)), text)


def squash(text: str) -> str:
    """Only the letters and digits of normalised text."""
    return "".join(WORD.findall(normalise(text)))


class BrandMatcher:
    """Finds registry brand names in free text, however they are disguised."""

    def __init__(self, names: Iterable[BrandName]) -> None:
        self.exact: dict[str, str] = {}
        for item in names:
            key = " ".join(WORD.findall(normalise(item.name)))
            if key and key not in self.exact:
                self.exact[key] = item.brand_id
        self.squashed: dict[str, str] = {}
        for key, brand_id in self.exact.items():
            self.squashed.setdefault(key.replace(" ", ""), brand_id)
        self.longest = max((k.count(" ") + 1 for k in self.exact), default=1)
        self.fuzzy_keys = [k for k in self.squashed if len(k) >= FUZZY_MIN_LENGTH]
        self.fuzzy_lengths = {
            n for k in self.fuzzy_keys for n in range(len(k) * 3 // 4, len(k) * 4 // 3 + 2)
        }

    def resolve(self, claim: str | None) -> tuple[str | None, Spelling]:
        """The brand a claimed brand string names, and how it was spelled."""
        if not claim or not claim.strip():
            return None, Spelling.NONE
        written = " ".join(WORD.findall(plain(claim)))
        if written in self.exact:
            return self.exact[written], Spelling.EXACT
        mentions = self.find(claim)
        if mentions:
            best = min(mentions, key=lambda m: (m.spelling, m.start))
            return best.brand_id, max(best.spelling, Spelling.OBFUSCATED)
        return None, Spelling.NONE

    def find(self, text: str) -> list[Mention]:
        """Every brand named in `text`, first the plain spellings, then the disguised ones."""
        if not text:
            return []
        found = self._windows(plain(text), Spelling.EXACT, squashed=False)
        seen = {m.brand_id for m in found}
        cleaned = deobfuscate(text)
        for mention in self._windows(cleaned, Spelling.OBFUSCATED, squashed=True):
            if mention.brand_id not in seen:
                seen.add(mention.brand_id)
                found.append(mention)
        for mention in self._fuzzy(cleaned):
            if mention.brand_id not in seen:
                seen.add(mention.brand_id)
                found.append(mention)
        return found

    def _windows(self, text: str, spelling: Spelling, *, squashed: bool) -> list[Mention]:
        words = list(WORD.finditer(text))
        tokens = [w.group(0) for w in words]
        found: list[Mention] = []
        seen: set[str] = set()
        span = self.longest + (2 if squashed else 0)
        for i in range(len(tokens)):
            for size in range(1, min(span, len(tokens) - i) + 1):
                window = tokens[i : i + size]
                brand_id = self.exact.get(" ".join(window))
                if brand_id is None and squashed:
                    brand_id = self.squashed.get("".join(window))
                if brand_id is not None and brand_id not in seen:
                    seen.add(brand_id)
                    start = words[i].start()
                    found.append(Mention(brand_id, spelling, is_descriptive(text, start), start))
        return found

    def _fuzzy(self, text: str) -> list[Mention]:
        if not self.fuzzy_keys:
            return []
        words = list(WORD.finditer(text))
        tokens = [w.group(0) for w in words]
        candidates: list[tuple[str, int]] = []
        for i in range(len(words)):
            for size in range(1, min(self.longest + 1, len(words) - i) + 1):
                joined = "".join(tokens[i : i + size])
                if len(joined) in self.fuzzy_lengths:
                    candidates.append((joined, words[i].start()))
        if not candidates:
            return []
        scores = process.cdist(
            [c for c, _ in candidates], self.fuzzy_keys, scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF, dtype="uint8",
        )  # fmt: skip
        found: list[Mention] = []
        best_of = scores.argmax(axis=1)
        for row in np.flatnonzero(scores.max(axis=1)).tolist():
            start = candidates[row][1]
            brand_id = self.squashed[self.fuzzy_keys[int(best_of[row])]]
            found.append(Mention(brand_id, Spelling.MISSPELLED, is_descriptive(text, start), start))
        return found


def is_descriptive(text: str, start: int) -> bool:
    """Whether the words just before position `start` say "compatible with", "fits", "for"..."""
    before = " ".join(WORD.findall(text[max(0, start - 40) : start]))
    return any(before == p or before.endswith(" " + p) for p in DESCRIPTIVE_BEFORE)


def has_disclaimer(text: str) -> bool:
    """Whether the text says a named brand is someone else's trademark."""
    cleaned = normalise(text)
    return any(d in cleaned for d in DISCLAIMERS)


@dataclass(frozen=True)
class BrandSignals:
    """What the brand claim and the words of a listing say about the brand it trades on."""

    brand_id: str | None
    claimed_brand_id: str | None
    claim_spelling: Spelling
    title_spelling: Spelling
    mentions_claimed: bool
    descriptive_only: bool
    other_brand_named: bool
    disclaimer: bool

    @property
    def disguised(self) -> bool:
        return max(self.claim_spelling, self.title_spelling) >= Spelling.OBFUSCATED


def brand_signals(
    matcher: BrandMatcher,
    *,
    claim: str | None,
    resolved_brand_id: str | None,
    title: str,
    description: str,
) -> BrandSignals:
    """The brand a listing trades on: its claim if it names a registry brand, else its title."""
    claimed: str | None
    if resolved_brand_id is not None:
        claimed, claim_spelling = resolved_brand_id, Spelling.EXACT
    else:
        claimed, claim_spelling = matcher.resolve(claim)
    mentions = matcher.find(f"{title} . {description[:300]}")
    claiming = [m for m in mentions if not m.descriptive]
    in_title = _spelling_of(claimed, mentions) if claimed else Spelling.NONE
    brand_id = claimed
    if brand_id is None and claiming:
        brand_id = claiming[0].brand_id
        in_title = claiming[0].spelling
    return BrandSignals(
        brand_id=brand_id,
        claimed_brand_id=claimed,
        claim_spelling=claim_spelling,
        title_spelling=in_title,
        mentions_claimed=claimed is not None and any(m.brand_id == claimed for m in mentions),
        descriptive_only=bool(mentions) and not claiming,
        other_brand_named=any(m.brand_id != brand_id for m in claiming),
        disclaimer=has_disclaimer(description),
    )


def _spelling_of(brand_id: str, mentions: Sequence[Mention]) -> Spelling:
    spellings = [m.spelling for m in mentions if m.brand_id == brand_id and not m.descriptive]
    return min(spellings) if spellings else Spelling.NONE
