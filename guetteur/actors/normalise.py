"""Normalise the identifiers that link accounts: names, addresses, phones, e-mails, bank accounts.

Every function takes what a seller or a declarant typed and returns one canonical string (or None
when nothing usable is left), so that two spellings of the same thing compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}")
_NON_ALNUM = re.compile(r"[^0-9a-z\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_NOT_ALNUM_UPPER = re.compile(r"[^0-9A-Z]+")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]+")

# Legal-form words that say nothing about who is behind a company, compared after `fold`.
LEGAL_FORMS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "cie",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "gbr",
        "ev",
        "sarl",
        "sas",
        "sasu",
        "sa",
        "sca",
        "snc",
        "eurl",
        "sci",
        "sprl",
        "bvba",
        "bv",
        "nv",
        "vof",
        "srl",
        "spa",
        "sapa",
        "sas",
        "snc",
        "sl",
        "slu",
        "sab",
        "sa",
        "de",
        "cv",
        "ltda",
        "eireli",
        "me",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "a",
        "s",
        "ehf",
        "kft",
        "zrt",
        "nyrt",
        "sro",
        "spol",
        "doo",
        "dd",
        "ad",
        "ood",
        "eood",
        "pte",
        "pty",
        "bhd",
        "sdn",
        "kk",
        "gk",
        "yk",
        "jsc",
        "ojsc",
        "pjsc",
        "ooo",
        "zao",
        "tov",
        "pp",
        "sp",
        "zoo",
        "sti",
    ]
)
# Suffixes written without spaces (Chinese, Japanese, Korean legal forms), longest first.
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "公司",
)
# Multi-word forms folded to one token before the suffix strip ("s a" -> "sa").
_JOINED_FORMS = (
    (re.compile(r"\bs a r l\b"), "sarl"),
    (re.compile(r"\bs a s\b"), "sas"),
    (re.compile(r"\bs a\b"), "sa"),
    (re.compile(r"\bs r l\b"), "srl"),
    (re.compile(r"\bs p a\b"), "spa"),
    (re.compile(r"\bb v\b"), "bv"),
    (re.compile(r"\bn v\b"), "nv"),
    (re.compile(r"\bsp z o o\b"), "spzoo"),
    (re.compile(r"\ba s\b"), "as"),
)

_SINGLE_LETTER = re.compile(r"\b[a-z] [a-z]\b")

# Address words written many ways, mapped to one spelling (after `fold`).
ADDRESS_WORDS = {
    "st": "street",
    "str": "strasse",
    "strase": "strasse",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "blvd": "boulevard",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "r": "rue",
    "pl": "place",
    "sq": "square",
    "ln": "lane",
    "dr": "drive",
    "ct": "court",
    "hwy": "highway",
    "apt": "apartment",
    "appt": "apartment",
    "ste": "suite",
    "fl": "floor",
    "bldg": "building",
    "no": "",
    "nr": "",
    "rm": "room",
    "ind": "industrial",
    "est": "estate",
    "chem": "chemin",
    "imp": "impasse",
    "fbg": "faubourg",
    "cl": "calle",
}
SUBADDRESSING_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "protonmail.com",
        "proton.me",
    }
)
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def fold(text: str | None) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces ('' when empty)."""
    if not text:
        return ""
    if text.isascii():
        return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", stripped.casefold()).split())


def company_name(text: str | None) -> str | None:
    """A company or shop name without its legal form: 'ACME Trading Ltd.' -> 'acme trading'."""
    if not text:
        return None
    raw = text.strip()
    for suffix in CJK_LEGAL_FORMS:
        if raw.endswith(suffix) and len(raw) > len(suffix):
            raw = raw[: -len(suffix)]
            break
    folded = fold(raw)
    if _SINGLE_LETTER.search(folded):
        for pattern, joined in _JOINED_FORMS:
            folded = pattern.sub(joined, folded)
    tokens = folded.split()
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    while len(tokens) > 1 and tokens[0] in LEGAL_FORMS:
        tokens.pop(0)
    return " ".join(tokens) or None


@lru_cache(maxsize=200_000)
def phone(raw: str | None, country: str | None = None) -> str | None:
    """A phone number in E.164 ('+33612345678'); national forms read with the seller's country."""
    if not raw:
        return None
    compact = _PHONE_PUNCTUATION.sub("", raw.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _E164.fullmatch(compact):
        return compact
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(raw: str | None) -> str | None:
    """A canonical e-mail: lower case; '+tag' dropped where the provider ignores it, gmail dots."""
    if not raw:
        return None
    value = raw.strip().lower()
    if value.count("@") != 1:
        return None
    local, domain = value.split("@")
    domain = domain.strip(".")
    if not local or "." not in domain:
        return None
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in SUBADDRESSING_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def bank_account(raw: str | None) -> str | None:
    """An IBAN or account number: its letters and digits, upper case ('FR7630006000...')."""
    if not raw:
        return None
    compact = _NOT_ALNUM_UPPER.sub("", raw.upper())
    return compact if len(compact) >= 5 else None


def iban_checksum_ok(compact: str) -> bool:
    """The ISO 7064 mod 97-10 check of a compact IBAN (fast; no per-country format check)."""
    if not _IBAN_SHAPE.fullmatch(compact):
        return False
    return bool(mod_97_10.is_valid(compact[4:] + compact[:4]))


def iban_is_valid(raw: str | None) -> bool:
    """Whether the text is a valid IBAN (checksum and country format)."""
    return bool(raw) and bool(stdnum_iban.is_valid(raw or ""))


def vat_number(raw: str | None, country: str | None = None) -> str | None:
    """A VAT number in compact form with its country prefix ('FR40303265045')."""
    if not raw:
        return None
    try:
        return str(stdnum_vat.validate(raw))
    except ValidationError:
        compact = _NOT_ALNUM_UPPER.sub("", raw.upper())
        if country and compact and compact[:2] != country.upper() and compact[0].isdigit():
            compact = country.upper() + compact
        return compact if len(compact) >= 4 else None


def vat_is_valid(raw: str | None) -> bool:
    """Whether the text is a valid EU VAT number (python-stdnum's check digits)."""
    return bool(raw) and bool(stdnum_vat.is_valid(raw or ""))


def registration_number(raw: str | None, country: str | None = None) -> str | None:
    """A company register number: its letters and digits, prefixed with the register's country."""
    if not raw:
        return None
    compact = _NOT_ALNUM_UPPER.sub("", fold(raw).upper())
    if len(compact) < 3:
        return None
    return f"{(country or 'XX').upper()}:{compact}"


def postcode(raw: str | None, country: str | None = None) -> str | None:
    """A postcode without spaces, prefixed with its country ('GB:SW1A1AA')."""
    if not raw:
        return None
    compact = _NOT_ALNUM_UPPER.sub("", fold(raw).upper())
    return f"{(country or 'XX').upper()}:{compact}" if compact else None


def address_words(text: str | None) -> list[str]:
    """The words of an address line, folded and with abbreviations spelled out."""
    words = []
    for token in fold(text).split():
        word = ADDRESS_WORDS.get(token, token)
        if word:
            words.append(word)
    return words


def address_key(
    address: dict[str, Any] | None, country: str | None = None, *, code: str | None = None
) -> str | None:
    """A key for an address that ignores case, accents, abbreviations and word order.

    `code` is the address's normalised postcode when the caller has it already.
    """
    if not address:
        return None
    words: list[str] = []
    for part in ("line1", "line2", "city"):
        words.extend(address_words(address.get(part)))
    if not words:
        return None
    code = code or postcode(address.get("postcode"), address.get("country") or country)
    where = code or (address.get("country") or country or "XX").upper()
    return " ".join([where, *sorted(words)])
