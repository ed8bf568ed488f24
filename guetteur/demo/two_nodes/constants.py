"""Settings of the two-node demo."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from guetteur.auth.actor import system_actor

HOST = "127.0.0.1"
DEMO_PASSWORD = "guetteur-demo"
SYNC_INTERVAL_SECONDS = 60
MARKET_FILES = ("brands", "products", "sellers", "listings", "verdicts", "notices")
CUSTOMS_FILES = ("brands", "declarations", "inspections")
TARGET_DAYS = 30
INTERRUPT_GRACE_SECONDS = 5.0
STRONG_MATCH = 0.8  # e.g. phone and address, or e-mail and name
ACTOR = system_actor("demo two nodes")
TOKENS = {
    "name": "token",
    "phone": "token",
    "email": "token",
    "address": "token",
    "bank_account": "token",
    "registration_number": "token",
    "account_id": "token",
}
# (email, display name, role) of each node's own organisation; brand managers are added on the
# marketplace node (brands send their notices to the marketplace).
PEOPLE = {
    "marketplace": [
        ("analyst@marketplace.example", "Marketplace Analyst", "analyst"),
        ("admin@marketplace.example", "Marketplace Administrator", "admin"),
    ],
    "customs": [
        ("officer@customs.example", "Customs Officer", "officer"),
        ("investigator@customs.example", "Customs Investigator", "investigator"),
        ("admin@customs.example", "Customs Administrator", "admin"),
    ],
}
ROLE_OF_KIND = {"marketplace": "analyst", "customs": "officer"}

Say = Callable[[str], None]
console = Console()
