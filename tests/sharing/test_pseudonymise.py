"""Tokens: the same on both nodes after normalisation, useless without the agreement's key."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from guetteur.sharing import keys, pseudonymise
from guetteur.sharing.pseudonymise import Party


def _node() -> keys.NodeKeys:
    return keys.NodeKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())


def test_both_nodes_derive_the_same_token_key_and_tokens() -> None:
    a, b = _node(), _node()
    key_a = keys.derive_token_key(a, partner_agreement_key=b.agreement_public, agreement_id="x")
    key_b = keys.derive_token_key(b, partner_agreement_key=a.agreement_public, agreement_id="x")
    assert key_a == key_b
    other = keys.derive_token_key(a, partner_agreement_key=b.agreement_public, agreement_id="y")
    assert other != key_a
    marketplace = Party(
        name="ACME Trading Ltd.",
        phone="06 12 34 56 78",
        email="John.Doe+shop@Gmail.com",
        address={"line1": "12, Rue de la Paix", "city": "PARIS", "postcode": "75 002"},
        bank_account="fr76 3000 6000 0112 3456 7890 189",
        country="FR",
    )
    customs = Party(
        name="Acme trading",
        phone="+33612345678",
        email="johndoe@googlemail.com",
        address={"line1": "12 rue de la paix", "city": "Paris", "postcode": "75002"},
        bank_account="FR7630006000011234567890189",
        country="FR",
    )
    tokens_a = pseudonymise.tokens(key_a, marketplace)
    tokens_b = pseudonymise.tokens(key_b, customs)
    assert set(tokens_a) == {"name", "phone", "email", "address", "bank_account"}
    assert tokens_a == tokens_b
    assert pseudonymise.tokens(other, marketplace)["phone"] != tokens_a["phone"]
    assert "+33612345678" not in str(tokens_a) and len(tokens_a["phone"]) == 64


def test_clk_dice_separates_typos_from_other_names() -> None:
    key = b"k" * 32
    base = pseudonymise.clk(key, "name", "shenzhen bright star trading")
    typo = pseudonymise.clk(key, "name", "shenzen bright star tradng")
    other = pseudonymise.clk(key, "name", "guangzhou lucky dragon export")
    assert pseudonymise.dice(base, base) == 1.0
    assert pseudonymise.dice(base, typo) >= pseudonymise.DICE_THRESHOLD
    assert pseudonymise.dice(base, other) < 0.5
    assert pseudonymise.clk(b"j" * 32, "name", "shenzhen bright star trading") != base
