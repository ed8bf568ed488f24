"""What the Digital Services Act records share: who may handle them, references, fixed wording."""

from __future__ import annotations

import secrets

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.errors import FieldError, Forbidden, InvalidInput

HANDLING_KINDS = ("marketplace", "system")

REDRESS = (
    "You may contest this decision free of charge through the marketplace's internal "
    "complaint-handling system within six months, quoting this statement's reference "
    "(DSA Art. 20); you may also refer it to a certified out-of-court dispute settlement body "
    "(DSA Art. 21), and you keep your right to go to court."
)
LEGAL_GROUNDS = {
    "counterfeit": "Sale of counterfeit goods infringing a registered trade mark "
    "(Regulation (EU) 2017/1001 Art. 9; national trade mark law).",
    "trademark": "Use of a registered trade mark without the proprietor's consent "
    "(Regulation (EU) 2017/1001 Art. 9; national trade mark law).",
    "copyright": "Reproduction of protected works without authorisation "
    "(Directive 2001/29/EC Arts 2-3; national copyright law).",
    "design": "Use of a registered or unregistered Community design without consent "
    "(Regulation (EC) No 6/2002 Art. 19).",
}
CONTRACTUAL_GROUND = (
    "Marketplace terms of service: listings must not offer goods that infringe intellectual "
    "property rights."
)


def require_handler(actor: Actor) -> None:
    """Only the marketplace (its analysts and administrators) handles notices and appeals."""
    if actor.organisation_kind not in HANDLING_KINDS or not actor.can(perms.NOTICES_HANDLE):
        raise Forbidden("only the marketplace's analysts handle notices, statements and appeals")


def new_reference(prefix: str) -> str:
    """A stable, unguessable public reference such as `SOR-20250302-1a2b3c4d5e`."""
    return f"{prefix}-{utcnow():%Y%m%d}-{secrets.token_hex(5)}"


def require_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    """InvalidInput naming `field` unless `value` is one of `choices`."""
    if value not in choices:
        raise InvalidInput(
            f"{field} is not valid",
            [FieldError(field=field, message=f"one of {', '.join(choices)}")],
        )


def require_text(field: str, value: str, *, max_length: int = 5000) -> str:
    """The stripped text, or InvalidInput naming `field` when it is empty or too long."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field} is required", [FieldError(field=field, message="required")])
    if len(text) > max_length:
        message = f"at most {max_length} characters"
        raise InvalidInput(f"{field} is too long", [FieldError(field=field, message=message)])
    return text
