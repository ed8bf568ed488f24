"""Identifiers shared by many unrelated accounts, so that linking on them alone is wrong."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from guetteur.demo.world.places import hk_address


@dataclass
class SuperNodes:
    """Fulfilment-centre and registered-agent addresses, a shared office IP, an emulator device."""

    fulfilment: list[dict[str, str | None]]
    registered_agent: dict[str, str | None]
    office_ips: list[str]
    emulator_device: str
    users: dict[str, list[str]] = field(default_factory=dict)

    def note(self, value: str, seller_key: str) -> None:
        """Remember that an account uses a super-node identifier (for the truth files)."""
        self.users.setdefault(value, []).append(seller_key)

    def describe(self) -> list[dict[str, object]]:
        """One truth row per super-node identifier."""
        rows: list[dict[str, object]] = []
        for address in self.fulfilment:
            rows.append({"kind": "address", "value": address, "label": address_label(address)})
        rows.append(
            {
                "kind": "address",
                "value": self.registered_agent,
                "label": address_label(self.registered_agent),
            }
        )
        rows.extend({"kind": "ip", "value": ip, "label": ip} for ip in self.office_ips)
        rows.append(
            {"kind": "device", "value": self.emulator_device, "label": self.emulator_device}
        )
        for row in rows:
            row["accounts"] = len(self.users.get(str(row["label"]), []))
        return rows


def address_label(address: dict[str, str | None]) -> str:
    """A stable text key for an address."""
    return " | ".join(str(address.get(k) or "") for k in ("line1", "city", "country"))


def make_super_nodes(rng: random.Random) -> SuperNodes:
    """The world's super nodes."""
    fulfilment: list[dict[str, str | None]] = [
        {
            "line1": "Zone de Fret 4, 3 rue du Te",
            "line2": "Fulfilment Centre FC-2",
            "city": "Roissy-en-France",
            "postcode": "95700",
            "country": "FR",
        },
        {
            "line1": "Am Exer 10",
            "line2": "Logistikzentrum Halle 3",
            "city": "Leipzig",
            "postcode": "04158",
            "country": "DE",
        },
        {
            "line1": "Venrayseweg 110",
            "line2": "Warehouse B",
            "city": "Venlo",
            "postcode": "5928 RH",
            "country": "NL",
        },
    ]
    office_ips = [f"185.{rng.randint(20, 90)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"]
    office_ips.append(f"81.{rng.randint(20, 90)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
    return SuperNodes(
        fulfilment=fulfilment,
        registered_agent=hk_address(rng),
        office_ips=office_ips,
        emulator_device="dev-emulator-android-x86-0000",
    )
