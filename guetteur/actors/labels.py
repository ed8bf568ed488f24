"""Analysts' labels on links between members: confirm a link, or cut it.

A label is kept for the linkage (who, when, why); the latest label on a pair counts. The next
full run (`service.link`) drops the edge of a cut pair, which splits the network when nothing
else holds it together, and keeps a confirmed pair linked even when the model would not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from guetteur.actors.graph import CONFIRMED_WEIGHT, Pair, pair_key
from guetteur.actors.models import LINK_LABELS, LinkLabel, LinkRecordRow, Network, NetworkMember
from guetteur.actors.pipeline import Labels
from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_seller_personal_data
from guetteur.errors import FieldError, Forbidden, InvalidInput, NotFound

MAX_NOTE = 2000


@dataclass(frozen=True)
class MemberLabels:
    """The labels that concern one member: the others it was cut from, and confirmed with."""

    cut: frozenset[str]
    confirmed: dict[str, str]


def _latest(rows: Iterable[LinkLabel]) -> dict[tuple[str, str], LinkLabel]:
    """The latest label per pair (rows in id order)."""
    latest: dict[tuple[str, str], LinkLabel] = {}
    for row in rows:
        latest[(row.left_id, row.right_id)] = row
    return latest


def _describe(row: LinkLabel) -> str:
    note = f": {row.note}" if row.note else ""
    return f"{row.actor_label} on {row.created_at:%Y-%m-%d}{note}"


def current(session: Session) -> Labels:
    """Every pair's latest label, as a full run takes them."""
    latest = _latest(session.scalars(select(LinkLabel).order_by(LinkLabel.id)))
    cut = frozenset(pair for pair, row in latest.items() if row.label == "cut")
    confirmed = tuple(
        Pair(row.left_id, row.right_id, CONFIRMED_WEIGHT, 1.0, _describe(row))
        for row in latest.values()
        if row.label == "confirm"
    )
    return Labels(cut=cut, confirmed=confirmed)


def of_members(session: Session, member_ids: Iterable[str]) -> dict[tuple[str, str], LinkLabel]:
    """The latest label of every pair that involves one of these members."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    query = select(LinkLabel).where(or_(LinkLabel.left_id.in_(ids), LinkLabel.right_id.in_(ids)))
    return _latest(session.scalars(query.order_by(LinkLabel.id)))


def of_member(session: Session, *, member_id: str) -> MemberLabels:
    """What analysts said about one member's links (for linking a new account)."""
    cut, confirmed = set(), {}
    for (left, right), row in of_members(session, [member_id]).items():
        other = right if left == member_id else left
        if row.label == "cut":
            cut.add(other)
        else:
            confirmed[other] = _describe(row)
    return MemberLabels(frozenset(cut), confirmed)


def _known(session: Session, member_id: str) -> bool:
    if session.get(NetworkMember, member_id) is not None:
        return True
    return session.get(LinkRecordRow, member_id) is not None


def _check(session: Session, left_id: str, right_id: str, label: str) -> None:
    errors = []
    if label not in LINK_LABELS:
        errors.append(FieldError("label", f"one of {', '.join(LINK_LABELS)}"))
    if left_id == right_id:
        errors.append(FieldError("right_id", "a link joins two different members"))
    if errors:
        raise InvalidInput("the link cannot be labelled", errors)
    for member_id in (left_id, right_id):
        if not _known(session, member_id):
            raise NotFound(f"member {member_id!r} not found")


def _in_network(session: Session, network_id: str, *members: str) -> NetworkMember:
    for member_id in members:
        row = session.get(NetworkMember, member_id)
        if row is not None and row.network_id == network_id:
            return row
    raise InvalidInput(
        "the link cannot be labelled", [FieldError("left_id", f"not a member of {network_id}")]
    )


def label_link(
    session: Session,
    *,
    actor: Actor,
    left_id: str,
    right_id: str,
    label: str,
    note: str = "",
    network_id: str | None = None,
) -> LinkLabel:
    """Confirm or cut the link between two members; audited, honoured by the next run.

    With `network_id`, the network must exist and hold one of the two members.
    """
    if not (actor.can(perms.NETWORKS_ACT) and sees_seller_personal_data(actor)):
        raise Forbidden("you may not label links between sellers")
    if network_id is not None and session.get(Network, network_id) is None:
        raise NotFound(f"network {network_id!r} not found")
    _check(session, left_id, right_id, label)
    left, right = pair_key(left_id, right_id)
    membership = session.get(NetworkMember, left) or session.get(NetworkMember, right)
    if network_id is not None and (membership is None or membership.network_id != network_id):
        membership = _in_network(session, network_id, left, right)
    row = LinkLabel(
        left_id=left,
        right_id=right,
        label=label,
        network_id=membership.network_id if membership else None,
        note=note.strip()[:MAX_NOTE],
        user_id=actor.user_id,
        actor_label=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"actors.link_{label}",
        object_type="link",
        object_id=f"{left}|{right}",
        detail={"network_id": row.network_id, "label_id": row.id, "note": row.note},
    )
    return row
