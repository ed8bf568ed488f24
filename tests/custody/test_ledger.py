"""Property-based: custody always reconciles, and nothing ever releases a destroyed lot."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guetteur.custody.ledger import MOVES, PLACES, Ledger
from guetteur.errors import Conflict, GuetteurError, InvalidInput

KINDS = sorted(MOVES)
event = st.tuples(
    st.sampled_from(KINDS),
    st.dictionaries(st.sampled_from(["1", "2", "3"]), st.integers(0, 60), max_size=3),
)
seizure = st.dictionaries(st.sampled_from(["1", "2", "3"]), st.integers(0, 50), min_size=1)


def _balanced(ledger: Ledger) -> None:
    assert ledger.balance() == []
    for line in ledger.lines.values():
        assert all(getattr(line, place) >= 0 for place in PLACES)
        assert line.seized == sum(getattr(line, place) for place in PLACES)


@settings(max_examples=300, deadline=None)
@given(seizure, st.lists(event, max_size=25))
def test_any_sequence_of_events_reconciles(
    seized: dict[str, int], events: list[tuple[str, dict[str, int]]]
) -> None:
    ledger = Ledger.seized(seized)
    for kind, units in events:
        before = {k: vars(v).copy() for k, v in ledger.lines.items()}
        try:
            ledger.apply(kind, units)
        except GuetteurError:
            assert {k: vars(v) for k, v in ledger.lines.items()} == before  # nothing changed
        _balanced(ledger)


@settings(max_examples=300, deadline=None)
@given(
    seizure,
    st.lists(event, max_size=25),
    st.dictionaries(st.sampled_from(["1"]), st.integers(0, 5)),
)
def test_no_sequence_releases_a_destroyed_lot(
    seized: dict[str, int], events: list[tuple[str, dict[str, int]]], release: dict[str, int]
) -> None:
    ledger = Ledger.seized(seized)
    released_after_destruction = 0
    for kind, units in [*events, ("released", release)]:
        was_destroyed = ledger.ever_destroyed
        before = ledger.total("released")
        try:
            ledger.apply(kind, units)
        except GuetteurError:
            continue
        if was_destroyed:
            released_after_destruction += ledger.total("released") - before
    assert released_after_destruction == 0
    if ledger.ever_destroyed:
        with pytest.raises(Conflict):
            ledger.apply("released", {})


def test_units_move_between_places_and_counts_are_checked() -> None:
    ledger = Ledger.seized({"1": 10, "2": 5})
    ledger.apply("sampled", {"1": 1})
    ledger.apply("handed_to_contractor", {"1": 9, "2": 5})
    with pytest.raises(Conflict, match="10 units asked, 9 with contractor"):
        ledger.apply("destroyed", {"1": 10})
    ledger.apply("destroyed", {"1": 9, "2": 4})
    ledger.apply("recycled", {"2": 1})
    assert ledger.status == "destroyed"
    assert (ledger.total("destroyed"), ledger.total("recycled"), ledger.total("sampled")) == (
        13,
        1,
        1,
    )
    ledger.apply("counted", {"1": 1})
    assert ledger.stock_differences == ["line 1: 1 units counted in store, 0 expected"]
    with pytest.raises(InvalidInput):
        ledger.apply("stolen", {"1": 1})
    with pytest.raises(InvalidInput):
        ledger.apply("sampled", {"9": 1})
