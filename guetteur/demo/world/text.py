"""Listing wording: honest titles, descriptive accessory mentions, counterfeit vocabulary, disguised
brand names."""

from __future__ import annotations

import random

FAKE_VOCABULARY = (
    "replica", "1:1", "AAA", "AAA+ quality", "mirror quality", "réplique", "copie 1:1",
    "inspired by", "inspiré de", "same factory", "top quality copy", "réplica", "imitación",
    "Nachbildung", "Kopie", "replika", "imitazione", "high copy", "OEM factory version",
    "UA version", "super clone", "1to1", "style",
)  # fmt: skip
HONEST_HYPE = (
    "100% authentic", "original", "new", "brand new", "genuine", "neuf", "sealed", "official",
    "NEU", "nuevo", "free shipping", "fast delivery",
)  # fmt: skip
CLEARANCE_WORDS = (
    "clearance", "destockage", "last units", "open box", "display model", "Restposten",
    "liquidación", "end of line", "damaged box", "outlet",
)  # fmt: skip
GREY_WORDS = ("import", "EU version", "international version", "HK stock", "no EU warranty")
ACCESSORY_TEMPLATES = (
    "Protective case compatible with {brand} {model}",
    "Replacement remote for {brand} {model}",
    "Charger cable fits {brand} devices",
    "Screen protector for {brand} {model} (2 pack)",
    "Universal mount, works with {brand}",
    "Housse compatible {brand} {model}",
    "Ersatzakku passend für {brand} {model}",
    "Carrying bag for {brand} {model} - not made by {brand}",
)
ACCESSORY_MAKERS = ("Nupro", "Kaliq", "Zentex", "Ugreenly", "Moshi-Tech", "Ekolo", None, None)
GENERIC_ITEMS = (
    ("usb cable 2m", "electronics_general", 6),
    ("desk lamp led", "home", 25),
    ("notebook a5 pack of 3", "stationery_office_machinery", 9),
    ("hdmi adapter", "electronics_general", 12),
    ("phone stand aluminium", "phone_accessories", 14),
    ("storage box set", "home", 19),
    ("bluetooth speaker mini", "electronics_general", 22),
    ("gel pens 12 colours", "stationery_office_machinery", 7),
    ("tripod 150cm", "cameras_camcorders", 28),
    ("laptop sleeve 15 inch", "computer_accessories", 17),
)

_HOMOGLYPHS = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ",
    "A": "А", "B": "В", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
}  # fmt: skip
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "A": "4", "E": "3", "O": "0"}


def homoglyphs(rng: random.Random, name: str) -> str:
    """Swap one or two letters for Cyrillic look-alikes."""
    spots = [i for i, ch in enumerate(name) if ch in _HOMOGLYPHS]
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        chars[i] = _HOMOGLYPHS[chars[i]]
    return "".join(chars)


def leetspeak(rng: random.Random, name: str) -> str:
    """Swap one or two letters for digits."""
    spots = [i for i, ch in enumerate(name) if ch in _LEET]
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        chars[i] = _LEET[chars[i]]
    return "".join(chars)


def spaced(rng: random.Random, name: str) -> str:
    """`S o n y`, `S.o.n.y` or `So ny`."""
    letters = [ch for ch in name if ch != " "]
    sep = rng.choice((" ", ".", "-", "*"))
    if rng.random() < 0.5 or len(letters) < 4:
        return sep.join(letters)
    cut = rng.randrange(1, len(letters) - 1)
    return "".join(letters[:cut]) + " " + "".join(letters[cut:])


def misspell(rng: random.Random, name: str) -> str:
    """Drop, double or swap one letter."""
    if len(name) < 3:
        return name + name[-1]
    pos = rng.randrange(1, len(name) - 1)
    roll = rng.randrange(3)
    if roll == 0:
        return name[:pos] + name[pos + 1 :]
    if roll == 1:
        return name[:pos] + name[pos] + name[pos:]
    return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]


OBFUSCATIONS = {
    "homoglyph": homoglyphs,
    "leetspeak": leetspeak,
    "spaced": spaced,
    "misspelled": misspell,
}


def obfuscate(rng: random.Random, name: str) -> tuple[str, str]:
    """A disguised brand name and how it was disguised."""
    how = rng.choice(sorted(OBFUSCATIONS))
    disguised = OBFUSCATIONS[how](rng, name)
    if disguised == name:
        return misspell(rng, name), "misspelled"
    return disguised, how


def model_words(title: str, brand: str) -> str:
    """The product title without the brand name, for reuse in other titles."""
    lowered = title.lower()
    at = lowered.find(brand.lower())
    if at >= 0:
        title = (title[:at] + title[at + len(brand) :]).strip()
    words = [w for w in title.split() if w.lower() != brand.lower()]
    return " ".join(words[:6]) or title


def styled(rng: random.Random, title: str) -> str:
    """Title as a seller types it: as is, Title Case, or upper case."""
    roll = rng.random()
    if roll < 0.45:
        return title.title()
    if roll < 0.55:
        return title.upper()
    return title
