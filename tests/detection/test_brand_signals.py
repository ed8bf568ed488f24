from __future__ import annotations

import pytest

from guetteur.detection.brand_signals import (
    BrandMatcher,
    BrandName,
    Spelling,
    brand_signals,
    deobfuscate,
    normalise,
)
from guetteur.detection.vocabulary import vocabulary_hits

MATCHER = BrandMatcher(
    [
        BrandName("b-nike", "Nike"),
        BrandName("b-lv", "Louis Vuitton"),
        BrandName("b-lv", "LV"),
        BrandName("b-boss", "Boss"),
        BrandName("b-lumen", "Lumen Beauté"),
    ]
)


def found(text: str) -> dict[str, tuple[Spelling, bool]]:
    return {m.brand_id: (m.spelling, m.descriptive) for m in MATCHER.find(text)}


def test_plain_and_unicode_width_are_exact() -> None:
    assert found("NIKE Air Max 90") == {"b-nike": (Spelling.EXACT, False)}
    assert found("Ｎｉｋｅ fullwidth") == {"b-nike": (Spelling.EXACT, False)}
    assert found("lumen beaute serum") == {"b-lumen": (Spelling.EXACT, False)}


@pytest.mark.parametrize(
    "text",
    [
        "Nіke runner",
        "Νike",
        "N1KE air",
        "L0uis Vu1tton bag",
        "N i k e shoes",
        "N.I.K.E",
        "Ni\u200bke",
    ],
)
def test_lookalikes_leetspeak_and_spacing_are_disguised(text: str) -> None:
    spellings = {spelling for spelling, _ in found(text).values()}
    assert spellings == {Spelling.OBFUSCATED}, found(text)


def test_misspellings_are_found_fuzzily() -> None:
    assert found("Louis Vuiton monogram")["b-lv"][0] == Spelling.MISSPELLED
    assert found("Niike running")["b-nike"][0] == Spelling.MISSPELLED


def test_descriptive_mentions_are_told_apart_from_claims() -> None:
    for text in (
        "Case compatible with Nike watch",
        "Strap fits Nike",
        "Charger for Boss speakers",
        "Housse pour Nike",
        "Ladegerät kompatibel mit Boss",
        "Ersatzakku passend für Boss",
    ):
        assert all(descriptive for _, descriptive in found(text).values()), text
    assert found("Nike case")["b-nike"] == (Spelling.EXACT, False)


def test_unrelated_words_are_not_brands() -> None:
    assert found("embossed leather wallet") == {}
    assert found("bose speaker") == {}


def test_signals_pick_the_claimed_brand_or_the_named_one() -> None:
    claimed = brand_signals(
        MATCHER, claim="N1ke", resolved_brand_id=None, title="running shoes", description=""
    )
    assert claimed.brand_id == "b-nike" and claimed.disguised
    named = brand_signals(
        MATCHER, claim="Generic", resolved_brand_id=None, title="L0uis Vuitton bag", description=""
    )
    assert named.brand_id == "b-lv" and named.claimed_brand_id is None and named.disguised
    accessory = brand_signals(
        MATCHER,
        claim="Kaliq",
        resolved_brand_id=None,
        title="Cable compatible with Nike watches",
        description="Nike is a trademark of its owner; not made or endorsed by it.",
    )
    assert accessory.brand_id is None and accessory.descriptive_only and accessory.disclaimer


def test_normalisation() -> None:
    assert normalise("Réplique ÉTÉ") == "replique ete"
    assert deobfuscate("R3PL1CA 350w").startswith("replica")


def test_vocabulary_in_several_languages() -> None:
    hits = vocabulary_hits("Nike AAA+ 1:1 mirror quality, réplique, inspired by, same factory")
    assert {"aaa+", "1:1", "mirror quality", "replique"} <= set(hits.strong)
    assert {"inspired by", "same factory"} <= set(hits.soft)
    assert vocabulary_hits("genuine, invoice included").genuine == ("invoice",)
    assert vocabulary_hits("fakeless banana").strong == ()


def test_negated_terms_and_battery_sizes_are_not_counterfeit_vocabulary() -> None:
    assert vocabulary_hits("Not a replica, no fakes: genuine").strong == ()
    assert vocabulary_hits("Energizer lithium AAA battery, 4 pack").strong == ()
    assert vocabulary_hits("Nike AAA quality").strong == ("aaa",)
