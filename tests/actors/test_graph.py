"""The identifier graph: super-node control and stable network ids (no Splink needed)."""

from __future__ import annotations

from guetteur.actors import graph as graphs
from guetteur.actors import networks as nets
from guetteur.actors.records import LinkRecord, from_seller

FORWARDER = {"line1": "1 Cargo Way", "city": "Venlo", "postcode": "5928", "country": "NL"}


def _seller(i: int, **fields: object) -> LinkRecord:
    data = {
        "id": f"S{i:05d}",
        "display_name": f"shop {i}",
        "country": "FR",
        "email": f"owner{i}@example.com",
        "bank_account": f"ACCT{i:08d}",
        "created_at": f"2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "devices": [f"device-{i}"],
    }
    data.update(fields)
    return from_seller(data)


def _ring(start: int, address: dict[str, str] | None = FORWARDER) -> list[LinkRecord]:
    """Three accounts tied by one bank account and one device, two using the address."""
    bank, device = f"RING{start}ACCOUNT", f"dev-{start}"
    return [
        _seller(start, bank_account=bank, address=address),
        _seller(start + 1, bank_account=bank.lower(), devices=[device]),
        _seller(start + 2, devices=[device], address=address),
    ]


def _networks(
    records: list[LinkRecord],
    *,
    cap: int = 50,
    max_size: int = 200,
    previous: dict[str, str] | None = None,
) -> tuple[list[nets.Network], list[graphs.SuperNode]]:
    held = graphs.holders(records)
    supers = graphs.find_super_nodes(held, cap=cap)
    graph = graphs.Graph(
        ids=[r.unique_id for r in records], groups=graphs.exact_groups(held, cap=cap)
    )
    weights = graphs.DEFAULT_IDENTIFIER_WEIGHTS
    components = graphs.networks(graph, weights=weights, max_size=max_size)
    by_id = {r.unique_id: r for r in records}
    return nets.build(components, graph, by_id, weights=weights, previous=previous), supers


def test_super_node_address_does_not_merge_unrelated_sellers() -> None:
    sellers = [_seller(i, address=FORWARDER) for i in range(300)] + _ring(1000)
    found, supers = _networks(sellers)
    assert (supers[0].kind, supers[0].degree) == ("address_key", 302)
    assert {s.kind for s in supers} == {"address_key", "name_block"}  # 'shop' at one postcode
    assert len(found) == 1
    assert sorted(m.member_id for m in found[0].members) == ["S01000", "S01001", "S01002"]
    kinds = {e.identifier_kind for m in found[0].members for e in m.evidence}
    assert kinds == {"bank_account", "device"}


def test_without_cap_the_super_node_glues_everyone() -> None:
    sellers = [_seller(i, address=FORWARDER) for i in range(300)] + _ring(1000)
    found, _ = _networks(sellers, cap=10**6, max_size=10**6)
    assert max(n.size for n in found) == 303


def test_emulator_device_is_a_super_node() -> None:
    sellers = [_seller(i, devices=["emulator-0001", f"d{i}"]) for i in range(120)]
    found, supers = _networks(sellers)
    assert found == []
    assert supers[0].describe().startswith("device 'emulator-0001' (120 accounts)")


def test_network_ids_stable_when_unrelated_accounts_are_added() -> None:
    base = _ring(1000, None) + _ring(2000, None) + [_seller(i) for i in range(50)]
    first, _ = _networks(base)
    ids = {m.member_id: n.network_id for n in first for m in n.members}
    grown = base + [_seller(i) for i in range(50, 400)] + _ring(3000, None)
    second, _ = _networks(grown)
    again = {m.member_id: n.network_id for n in second for m in n.members}
    assert all(again[m] == ids[m] for m in ids)
    assert len(second) == 3
    # without the previous run's ids too: ids derive from the oldest member
    third, _ = _networks(grown, previous=ids)
    assert {m.member_id: n.network_id for n in third for m in n.members} == again


def test_network_keeps_its_id_when_its_anchor_leaves() -> None:
    ring = [*_ring(1000), _seller(1003, devices=["dev-1000"])]
    first, _ = _networks(ring)
    previous = {m.member_id: n.network_id for n in first for m in n.members}
    second, _ = _networks(ring[1:], previous=previous)
    assert second[0].network_id == first[0].network_id


def test_oversized_component_split_by_leiden() -> None:
    # two dense groups of 30 joined by one weak shared address: Leiden cuts the bridge
    left = [_seller(i, bank_account="LEFTACCOUNT1") for i in range(30)]
    right = [_seller(100 + i, bank_account="RIGHTACCOUNT") for i in range(30)]
    bridge = {"line1": "9 Bridge Rd", "postcode": "1000", "country": "BE"}
    left[0] = _seller(0, bank_account="LEFTACCOUNT1", address=bridge)
    right[0] = _seller(100, bank_account="RIGHTACCOUNT", address=bridge)
    records = left + right
    held = graphs.holders(records)
    graph = graphs.Graph(ids=[r.unique_id for r in records], groups=graphs.exact_groups(held))
    whole = graphs.networks(graph, max_size=100)
    split = graphs.networks(graph, max_size=40)
    assert [len(c) for c in whole] == [60]
    assert sorted(len(c) for c in split) == [30, 30]


def test_jsonl_rows_follow_formats() -> None:
    found, _ = _networks(_ring(1000))
    rows = list(nets.jsonl_rows(found))
    assert {r["member_id"] for r in rows} == {"S01000", "S01001", "S01002"}
    for row in rows:
        assert set(row) == {"member_id", "kind", "network_id", "evidence"}
        assert row["kind"] == "seller" and row["network_id"].startswith("N-")
        assert row["evidence"] and set(row["evidence"][0]) == {
            "identifier_kind",
            "detail",
            "weight",
        }


def test_typo_of_a_super_node_address_is_a_super_node_too() -> None:
    sellers = [_seller(i, address=FORWARDER) for i in range(80)]
    typo = dict(FORWARDER, line1="1 Cargo Wya")
    sellers += [_seller(500, address=typo), _seller(501, address=typo)]
    held = graphs.holders(sellers)
    supers = graphs.find_super_nodes(held, cap=50)
    variants = graphs.address_variants(sellers, supers)
    assert [v.value for v in variants] == [sellers[-1].address_key]
    excluded = graphs.excluded_values([*supers, *variants])
    groups = graphs.exact_groups(held, excluded=excluded)
    assert not [g for g in groups if g.kind == "address_key"]


def test_a_trader_on_many_declarations_counts_once() -> None:
    from guetteur.actors.records import from_party

    party = {"name": "Busy Trader GmbH", "address": FORWARDER, "phone": "+31 77 123 4567"}
    parties = [from_party(f"D{i}", "consignor", party, "2025-01-01T00:00:00Z") for i in range(120)]
    parties += [from_party("D999", "importer", dict(party, name="BUSY TRADER"), None)]
    held = graphs.holders(parties)
    assert held[("phone", "+31771234567")].degree == 1
    assert graphs.find_super_nodes(held, cap=50) == []
