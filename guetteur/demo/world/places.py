"""Names and postal addresses in several countries, and the noise people add when retyping them."""

from __future__ import annotations

import random

from faker import Faker

LOCALES = {
    "FR": "fr_FR",
    "DE": "de_DE",
    "ES": "es_ES",
    "IT": "it_IT",
    "NL": "nl_NL",
    "BE": "nl_BE",
    "GB": "en_GB",
    "US": "en_US",
    "PL": "pl_PL",
    "TR": "tr_TR",
}
_CN_CITIES = (
    ("Shenzhen", "518"), ("Guangzhou", "510"), ("Yiwu", "322"), ("Dongguan", "523"),
    ("Putian", "351"), ("Quanzhou", "362"), ("Ningbo", "315"), ("Xiamen", "361"),
)  # fmt: skip
_CN_DISTRICTS = ("Longhua", "Bao'an", "Baiyun", "Futian", "Nanshan", "Licheng", "Jinjiang")
_PINYIN = (
    "hua", "li", "xin", "da", "feng", "long", "tai", "sheng", "mei", "jia", "yuan", "hong",
    "kang", "rui", "tong", "xing", "bao", "heng", "fu", "an",
)  # fmt: skip
_HK_ROADS = (
    "Nathan Road",
    "Des Voeux Road Central",
    "Hennessy Road",
    "Canton Road",
    "Lockhart Road",
)
_TRADES = ("Trading", "Technology", "E-commerce", "Import & Export", "Electronics", "Supply Chain")
CN_SUFFIXES = ("Co., Ltd.", "Co. Ltd", "Company Limited", "Co.,Ltd", "Ltd.", "Limited")
EU_SUFFIXES = {
    "FR": ("SARL", "SAS", "S.A.R.L.", "EURL"),
    "DE": ("GmbH", "UG", "GmbH & Co. KG"),
    "ES": ("S.L.", "SL", "S.L.U."),
    "IT": ("S.r.l.", "SRL"),
    "NL": ("B.V.", "BV"),
    "BE": ("BV", "SRL", "BVBA"),
    "GB": ("Ltd", "Limited", "Ltd."),
    "US": ("LLC", "Inc.", "L.L.C."),
    "PL": ("Sp. z o.o.",),
    "TR": ("Ltd. Şti.", "A.Ş."),
}
_ABBREVIATIONS = (
    ("Road", "Rd"), ("Street", "St."), ("Avenue", "Ave"), ("Building", "Bldg"), ("Room", "Rm"),
    ("Boulevard", "Bd"), ("rue", "r."), ("Straße", "Str."), ("Industrial Park", "Ind. Park"),
)  # fmt: skip


class Places:
    """Seeded Faker instances per country, plus home-made Chinese and Hong Kong addresses."""

    def __init__(self, seed: int) -> None:
        self._fakers: dict[str, Faker] = {}
        self._seed = seed

    def faker(self, country: str) -> Faker:
        """The seeded Faker of a country's locale."""
        locale = LOCALES.get(country, "en_US")
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(f"{self._seed}:{locale}")
            self._fakers[locale] = fake
        return self._fakers[locale]

    def address(self, rng: random.Random, country: str) -> dict[str, str | None]:
        """A postal address in `country`."""
        if country == "CN":
            return cn_address(rng)
        if country == "HK":
            return hk_address(rng)
        fake = self.faker(country)
        return {
            "line1": fake.street_address().replace("\n", ", "),
            "line2": None,
            "city": fake.city(),
            "postcode": fake.postcode(),
            "country": country,
        }

    def person(self, country: str) -> str:
        """A person's name (romanised for Asia)."""
        if country in {"CN", "HK"}:
            return self.faker("US").name()
        return str(self.faker(country).name())

    def company_base(self, rng: random.Random, country: str) -> str:
        """A company name without its legal form."""
        if country in {"CN", "HK"}:
            city = rng.choice(_CN_CITIES)[0] if country == "CN" else "Hong Kong"
            word = "".join(rng.choice(_PINYIN) for _ in range(2)).capitalize()
            return f"{city} {word} {rng.choice(_TRADES)}"
        return str(self.faker(country).last_name()) + " " + rng.choice(_TRADES)


def cn_address(rng: random.Random) -> dict[str, str | None]:
    """A romanised mainland-Chinese warehouse address."""
    city, prefix = rng.choice(_CN_CITIES)
    park = "".join(rng.choice(_PINYIN) for _ in range(2)).capitalize()
    return {
        "line1": f"Room {rng.randint(1, 30)}{rng.randint(1, 20):02d}, "
        f"Building {rng.randint(1, 12)}",
        "line2": f"{park} Industrial Park, {rng.choice(_CN_DISTRICTS)} District",
        "city": city,
        "postcode": f"{prefix}{rng.randint(0, 999):03d}",
        "country": "CN",
    }


def hk_address(rng: random.Random) -> dict[str, str | None]:
    """A Hong Kong office address (often a registered-agent address)."""
    tower = "".join(rng.choice(_PINYIN) for _ in range(2)).capitalize()
    return {
        "line1": f"Flat {rng.choice('ABCDEF')}, {rng.randint(2, 30)}/F, {tower} Centre",
        "line2": f"{rng.randint(1, 300)} {rng.choice(_HK_ROADS)}",
        "city": rng.choice(("Kowloon", "Hong Kong", "Wan Chai", "Mong Kok")),
        "postcode": None,
        "country": "HK",
    }


def legal_name(rng: random.Random, base: str, country: str) -> str:
    """`base` with a legal form of the country."""
    suffixes = CN_SUFFIXES if country in {"CN", "HK"} else EU_SUFFIXES.get(country, ("Ltd",))
    return f"{base} {rng.choice(suffixes)}"


def name_variant(rng: random.Random, base: str, country: str) -> str:
    """The same company written another way: legal form, case, spacing, a dropped city word."""
    name = legal_name(rng, base, country)
    roll = rng.random()
    if roll < 0.2:
        name = name.upper()
    elif roll < 0.35 and " " in base:
        name = legal_name(rng, base.split(" ", 1)[1], country)
    elif roll < 0.5:
        name = name.replace(" ", "", 1)
    return typo(rng, name) if rng.random() < 0.25 else name


def typo(rng: random.Random, text: str) -> str:
    """One typing slip in a word of four letters or more: swap, drop or double a letter."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif kind == 1:
        word = word[:pos] + word[pos + 1 :]
    else:
        word = word[:pos] + word[pos] + word[pos:]
    words[i] = word
    return " ".join(words)


def abbreviate(rng: random.Random, text: str) -> str:
    """Swap one long form for its abbreviation or back."""
    pairs = [p for p in _ABBREVIATIONS if p[0] in text or p[1] in text]
    if not pairs:
        return text
    long, short = rng.choice(pairs)
    return text.replace(long, short) if long in text else text.replace(short, long)


def address_variant(rng: random.Random, address: dict[str, str | None]) -> dict[str, str | None]:
    """The same address retyped: abbreviations, a typo, upper case, lines merged."""
    line1 = address.get("line1") or ""
    line2 = address.get("line2")
    line1 = abbreviate(rng, line1) if rng.random() < 0.5 else line1
    line1 = typo(rng, line1) if rng.random() < 0.4 else line1
    if line2 and rng.random() < 0.25:
        line1, line2 = f"{line1}, {line2}", None
    city = address.get("city")
    if city and rng.random() < 0.3:
        city = city.upper()
    return {**address, "line1": line1, "line2": line2, "city": city}
