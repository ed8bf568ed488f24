"""Identifiers as people write them: phones, bank accounts, VAT numbers, devices, IPs, e-mails."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

CURRENCY_BY_COUNTRY = {"GB": "GBP", "US": "USD"}
_IBAN_BBAN = {"DE": 18, "NL": 14, "LT": 16, "GB": 18}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# --- phones -----------------------------------------------------------------------------------


def phone_number(rng: random.Random, region: str) -> PhoneNumber:
    """A valid mobile number of `region` (random digits after the example number's prefix)."""
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    if example is None:
        example = phonenumbers.parse("+33612345678")
    national = str(example.national_number)
    keep = max(1, len(national) - 6)
    for _ in range(30):
        candidate = national[:keep] + _digits(rng, len(national) - keep)
        number = PhoneNumber(country_code=example.country_code, national_number=int(candidate))
        if phonenumbers.is_valid_number(number):
            return number
    return example


PHONE_STYLES = ("e164", "international", "national", "dotted", "zeros", "compact")


def format_phone(number: PhoneNumber, style: str) -> str:
    """The number written one of several ways people write it."""
    if style == "e164":
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if style == "international":
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if style == "national":
        return national
    if style == "dotted":
        return national.replace(" ", ".").replace("-", ".")
    if style == "zeros":
        return "00" + phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
    return "".join(ch for ch in national if ch.isdigit())


def written_phone(rng: random.Random, number: PhoneNumber, country: str) -> str:
    """The number in a random style that still reads back as the same number from `country`."""
    text = format_phone(number, rng.choice(PHONE_STYLES))
    try:
        if phonenumbers.parse(text, country) == number:
            return text
    except phonenumbers.NumberParseException:
        pass
    return format_phone(number, "international")


# --- bank accounts, company numbers -----------------------------------------------------------


def _iban_check(country: str, bban: str) -> str:
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


def _fr_bban(rng: random.Random) -> str:
    bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


def _be_bban(rng: random.Random) -> str:
    body = _digits(rng, 10)
    key = int(body) % 97 or 97
    return f"{body}{key:02d}"


def iban(rng: random.Random, country: str) -> str:
    """A syntactically valid IBAN (mod 97 and, for FR and BE, the national key)."""
    if country == "FR":
        bban = _fr_bban(rng)
    elif country == "BE":
        bban = _be_bban(rng)
    elif country in {"NL", "GB"}:
        bban = "".join(rng.choice(_LETTERS) for _ in range(4)) + _digits(
            rng, _IBAN_BBAN[country] - 4
        )
    else:
        country = country if country in _IBAN_BBAN else "LT"
        bban = _digits(rng, _IBAN_BBAN[country])
    return f"{country}{_iban_check(country, bban)}{bban}"


def bank_account(rng: random.Random, country: str) -> str:
    """An IBAN in IBAN countries, a plain account number elsewhere."""
    if country in {"FR", "BE", "DE", "NL", "GB", "ES", "IT", "PL", "LT"}:
        return iban(rng, country)
    return _digits(rng, rng.choice((12, 16, 19)))


def _luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def _de_vat(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + _digits(rng, 7)
    product = 10
    for ch in body:
        total = (int(ch) + product) % 10 or 10
        product = (2 * total) % 11
    check = (11 - product) % 10
    return f"DE{body}{check}"


def company_numbers(rng: random.Random, country: str) -> tuple[str | None, str | None]:
    """(registration number, VAT number) as the country writes them, or None."""
    if country == "FR":
        siren = _luhn_complete(str(rng.randint(1, 9)) + _digits(rng, 7))
        return siren, f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    if country == "DE":
        return f"HRB {rng.randint(1000, 250000)}", _de_vat(rng)
    if country == "GB":
        return _digits(rng, 8), None
    if country == "CN":
        return "91" + _digits(rng, 6) + "".join(
            rng.choice("0123456789ABCDEFGHJK") for _ in range(10)
        ), None
    if country == "HK":
        return _digits(rng, 8), None
    return None, None


# --- devices, IPs, e-mails --------------------------------------------------------------------


def device(rng: random.Random) -> str:
    """A device fingerprint as a log-in system records it."""
    return "dev-" + "".join(rng.choice("0123456789abcdef") for _ in range(16))


def ip_address(rng: random.Random) -> str:
    """A public IPv4 address."""
    first = rng.choice((31, 37, 46, 78, 81, 82, 85, 89, 91, 101, 112, 116, 176, 185, 203, 213))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "gmx.de", "orange.fr")
ASIA_MAIL = ("163.com", "qq.com", "126.com", "gmail.com", "outlook.com")


def slug(text: str) -> str:
    """Lower-case letters and digits of `text`, for e-mail local parts and domains."""
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())[:24] or "shop"


def email(rng: random.Random, name: str, country: str) -> str:
    """An e-mail address a shop called `name` might use."""
    base = slug(name)
    if rng.random() < 0.35 and country not in {"CN", "HK"}:
        return f"{rng.choice(('contact', 'info', 'sales', 'shop'))}@{base}.{_tld(country)}"
    pool = ASIA_MAIL if country in {"CN", "HK"} else FREE_MAIL
    suffix = str(rng.randint(1, 999)) if rng.random() < 0.5 else ""
    return f"{base}{suffix}@{rng.choice(pool)}"


def _tld(country: str) -> str:
    return {"GB": "co.uk", "US": "com"}.get(country, country.lower())


def email_variant(rng: random.Random, address: str) -> str:
    """The same mailbox written differently, or a sibling mailbox of the same person."""
    local, domain = address.split("@", 1)
    choice = rng.randrange(4)
    if choice == 0:
        return f"{local}+{rng.randint(1, 99)}@{domain}"
    if choice == 1:
        return f"{local.capitalize()}@{domain.capitalize()}"
    if choice == 2 and domain == "gmail.com" and len(local) > 3:
        return f"{local[:3]}.{local[3:]}@{domain}"
    return f"{local}{rng.randint(2, 99)}@{rng.choice(ASIA_MAIL)}"
