"""Normalisation: equal identifiers written differently compare equal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guetteur.actors import normalise as norm


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("06 12 34 56 78", "FR"),
        ("+33 6 12 34 56 78", "FR"),
        ("0033612345678", "DE"),
        ("(+33) 6.12.34.56.78", None),
        ("+33-6-12-34-56-78", "GB"),
    ],
)
def test_phone_forms_become_one_e164(raw: str, country: str | None) -> None:
    assert norm.phone(raw, country) == "+33612345678"


def test_phone_rubbish_is_none() -> None:
    assert norm.phone("call me", "FR") is None
    assert norm.phone("12", "FR") is None
    assert norm.phone(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John.Smith+shop@GMail.com", "johnsmith@gmail.com"),
        ("john.smith@googlemail.com", "johnsmith@gmail.com"),
        ("j.smith+x@outlook.com", "j.smith@outlook.com"),
        ("j.smith+x@example.org", "j.smith+x@example.org"),
        ("not-an-email", None),
        ("a@b@c.com", None),
    ],
)
def test_email_canonical(raw: str, expected: str | None) -> None:
    assert norm.email(raw) == expected


def test_iban_validated_and_compacted() -> None:
    assert norm.bank_account("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert norm.iban_is_valid("FR76 3000 6000 0112 3456 7890 189")
    assert not norm.iban_is_valid("FR76 3000 6000 0112 3456 7890 188")
    assert norm.bank_account("12-345-678") == "12345678"


def test_vat_and_registration() -> None:
    assert norm.vat_number("fr 40 303 265 045") == "FR40303265045"
    assert norm.vat_is_valid("FR40303265045")
    assert norm.vat_number("40 303 265 045", "FR") == "FR40303265045"
    assert norm.registration_number("HRB 12345", "de") == "DE:HRB12345"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ACME Trading Ltd.", "acme trading"),
        ("Acme Trading Limited", "acme trading"),
        ("ACME TRADING GmbH", "acme trading"),
        ("Acmé Trading S.A.R.L.", "acme trading"),
        ("Acme Trading S.A.", "acme trading"),
        ("Acme Trading Co., Ltd.", "acme trading"),
        ("Acme Trading LLC", "acme trading"),
        ("深圳市鑫达贸易有限公司", "深圳市鑫达贸易"),
        ("Limited", "limited"),
    ],
)
def test_company_legal_form_stripped(raw: str, expected: str) -> None:
    assert norm.company_name(raw) == expected


def test_address_key_ignores_case_accents_abbreviations_and_order() -> None:
    a = {"line1": "12 Rue de l'Église", "city": "Paris", "postcode": "75001", "country": "FR"}
    b = {"line1": "12 r. de l eglise", "city": "PARIS", "postcode": "75 001", "country": "FR"}
    c = {"line1": "Eglise 12 rue de l", "city": "paris", "postcode": "75001"}
    assert norm.address_key(a) == norm.address_key(b) == norm.address_key(c, "FR")
    assert norm.address_key({"line1": "5 Main St"}, "GB") == norm.address_key(
        {"line1": "5 main street"}, "GB"
    )
    assert norm.address_key(None) is None


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert norm.fold(norm.fold(text)) == norm.fold(text)


@given(st.lists(st.from_regex(r"[A-Za-z]{3,9}", fullmatch=True), min_size=1, max_size=3))
def test_legal_forms_do_not_matter(words: list[str]) -> None:
    name = " ".join(words)
    base = norm.company_name(f"{name} Trading")
    assert norm.company_name(f"{name} Trading Ltd") == base
    assert norm.company_name(f"{name} Trading GmbH") == base
    assert norm.company_name(f"{name.upper()} TRADING SARL") == base


@given(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?\+[a-z]{0,5}@gmail\.com", fullmatch=True))
def test_gmail_aliases_collapse(address: str) -> None:
    canonical = norm.email(address)
    assert canonical is not None
    assert norm.email(canonical) == canonical
    assert "+" not in canonical and "." not in canonical.split("@")[0]


@given(st.integers(min_value=600000000, max_value=699999999))
def test_french_mobile_national_and_international_agree(number: int) -> None:
    national = f"0{number}"
    assert norm.phone(national, "FR") == norm.phone(f"+33{number}") == f"+33{number}"
