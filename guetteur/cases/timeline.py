"""A case's timeline: the events of everything in the case, merged in time order.

Listings (submitted, detection decisions, verdicts, brand notices), network links, declarations
(lodged, selected, inspected), detentions' steps, custody events, and the case's own events
(opened, evidence, tasks, notes, closed). Built on demand from the stored facts, so it is always
up to date and the same facts always give the same timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from guetteur.auth.models import Organisation
from guetteur.cases import subjects as subject_reads
from guetteur.cases.models import Case, CaseNote, CaseTask, EvidenceItem
from guetteur.custody.models import Lot
from guetteur.customs.models import Declaration, Detention, Inspection, Selection
from guetteur.marketplace.models import Listing, Notice, Verdict

MAX_LISTINGS = 300


@dataclass(frozen=True)
class Entry:
    """One event: when, from which part of the case, what happened, about what, by whom."""

    at: datetime
    source: str
    text: str
    ref: str = ""
    by: str = ""
    date_only: bool = False

    @property
    def when(self) -> str:
        return (
            self.at.strftime("%Y-%m-%d") if self.date_only else self.at.strftime("%Y-%m-%d %H:%M")
        )

    def sort_key(self) -> tuple[datetime, str, str, str]:
        return (self.at, self.source, self.ref, self.text)


def _day(value: date) -> datetime:
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


def build(session: Session, *, case: Case) -> list[Entry]:
    """Every event of the case, oldest first (same facts, same order)."""
    pairs = [(s.kind, s.ref) for s in case.subjects]
    sellers = subject_reads.seller_ids(session, subjects=pairs)
    entries: list[Entry] = [*_case_events(session, case)]
    entries += _listing_events(session, pairs, sellers)
    entries += _network_events(session, pairs, sellers)
    entries += _declaration_events(session, [r for k, r in pairs if k == "declaration"])
    detentions, lots = subject_reads.detentions_and_lots(session, subjects=pairs)
    entries += _detention_events(detentions)
    entries += _custody_events(lots)
    return sorted(entries, key=Entry.sort_key)


def _case_events(session: Session, case: Case) -> Iterator[Entry]:
    ref = case.reference
    yield Entry(
        case.opened_at,
        "case",
        f"case opened from {case.origin_kind} {case.origin_ref}",
        ref,
        case.opened_by,
    )
    for subject in case.subjects:
        yield Entry(
            subject.added_at, "case", f"{subject.kind} {subject.ref} added", ref, subject.added_by
        )
    query = select(Organisation.id, Organisation.name).where(
        Organisation.id.in_([p.organisation_id for p in case.participants])
    )
    names = {int(i): str(n) for i, n in session.execute(query)}
    for p in case.participants:
        who = names.get(p.organisation_id, p.organisation_id)
        yield Entry(
            p.added_at,
            "case",
            f"{who} joined ({p.access} access, {p.agreement})",
            ref,
            p.added_by,
        )
    evidence = session.scalars(select(EvidenceItem).where(EvidenceItem.case_id == case.id))
    for item in evidence:
        yield Entry(
            item.added_at,
            "evidence",
            f"{item.kind.replace('_', ' ')}: {item.title}",
            f"E{item.id}",
            item.added_by,
        )
    for task in session.scalars(select(CaseTask).where(CaseTask.case_id == case.id)):
        due = f", due {task.due_on}" if task.due_on else ""
        yield Entry(
            task.created_at,
            "task",
            f"task for {task.owner}: {task.title}{due}",
            f"T{task.id}",
            task.created_by,
        )
        if task.done_at is not None:
            yield Entry(
                task.done_at, "task", f"task done: {task.title}", f"T{task.id}", task.done_by or ""
            )
    for note in session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)):
        yield Entry(note.created_at, "note", note.body[:300], f"N{note.id}", note.author)
    if case.closed_at is not None:
        kinds = ", ".join(case.outcome.get("kinds", []))
        yield Entry(case.closed_at, "case", f"case closed: {kinds}", ref, case.closed_by or "")


def _listing_ids(session: Session, pairs: list[tuple[str, str]], sellers: set[str]) -> list[str]:
    named = {r for k, r in pairs if k == "listing"}
    if sellers:
        query = (
            select(Listing.id)
            .where(Listing.seller_id.in_(sorted(sellers)))
            .order_by(Listing.created_at.desc(), Listing.id)
            .limit(MAX_LISTINGS)
        )
        named.update(session.scalars(query))
    return sorted(named)


def _listing_events(
    session: Session, pairs: list[tuple[str, str]], sellers: set[str]
) -> Iterator[Entry]:
    ids = _listing_ids(session, pairs, sellers)
    if not ids:
        return
    for listing in session.scalars(select(Listing).where(Listing.id.in_(ids))):
        text = f"listing submitted by {listing.seller_id}: {listing.title[:80]}"
        yield Entry(listing.created_at, "listing", text, listing.id)
    for verdict in session.scalars(select(Verdict).where(Verdict.listing_id.in_(ids))):
        text = f"verdict {verdict.verdict} ({verdict.source})"
        yield Entry(verdict.decided_at, "verdict", text, verdict.listing_id)
    for notice in session.scalars(select(Notice).where(Notice.listing_id.in_(ids))):
        state = "already blocked" if notice.listing_was_blocked else "listing was live"
        text = f"notice {notice.id} from {notice.brand_id} ({notice.reason}; {state})"
        yield Entry(notice.submitted_at, "notice", text, notice.listing_id)
    yield from _decision_events(session, ids)


def _decision_events(session: Session, ids: list[str]) -> Iterator[Entry]:
    bind = session.get_bind()
    if not inspect(bind).has_table("detection_decisions"):
        return
    from guetteur.detection.models import DetectionDecision

    query = select(DetectionDecision).where(DetectionDecision.listing_id.in_(ids))
    for row in session.scalars(query):
        text = f"detection: {row.decision} (score {row.score:.2f}, model {row.model_version})"
        yield Entry(row.decided_at, "decision", text, row.listing_id)


def _network_events(
    session: Session, pairs: list[tuple[str, str]], sellers: set[str]
) -> Iterator[Entry]:
    network_ids = {r for k, r in pairs if k == "network"}
    network_ids |= subject_reads.networks_of_sellers(session, seller_ids=sellers)
    for member in subject_reads.network_members(session, network_ids=network_ids):
        kinds = sorted({str(e.get("identifier_kind", "")) for e in member.evidence})
        text = f"{member.member_id} linked to network {member.network_id} ({', '.join(kinds)})"
        yield Entry(member.added_at, "network", text, member.network_id)


def _declaration_events(session: Session, ids: Iterable[str]) -> Iterator[Entry]:
    wanted = sorted(set(ids))
    if not wanted:
        return
    for row in session.scalars(select(Declaration).where(Declaration.id.in_(wanted))):
        text = (
            f"declaration lodged at {row.office}: {row.description[:80]} from {row.origin_country}"
        )
        yield Entry(row.lodged_at, "declaration", text, row.id)
    selected = select(Selection).where(
        Selection.declaration_id.in_(wanted), Selection.selected.is_(True)
    )
    for sel in session.scalars(selected):
        yield Entry(
            _day(sel.day),
            "declaration",
            f"selected for inspection (rank {sel.rank})",
            sel.declaration_id,
            date_only=True,
        )
    for ins in session.scalars(select(Inspection).where(Inspection.declaration_id.in_(wanted))):
        units = f", {ins.units} units" if ins.units else ""
        yield Entry(
            ins.inspected_at, "inspection", f"inspection: {ins.outcome}{units}", ins.declaration_id
        )


def _detention_events(detentions: list[Detention]) -> Iterator[Entry]:
    for row in detentions:
        for event in row.events:
            text = f"detention #{row.id}: {event.action.replace('_', ' ')} -> {event.to_status}"
            yield Entry(_day(event.on), "detention", text, f"D{row.id}", event.actor_label, True)


def _custody_events(lots: list[Lot]) -> Iterator[Entry]:
    for lot in lots:
        for event in lot.events:
            units = sum(int(v) for v in event.lines.values())
            text = f"lot {lot.reference}: {event.kind.replace('_', ' ')} ({units} units)"
            yield Entry(_day(event.on), "custody", text, lot.reference, event.actor_label, True)


def latest(entries: list[Entry]) -> datetime | None:
    """The time of the last event (the 'as of' of a dossier)."""
    return max((e.at for e in entries), default=None)
