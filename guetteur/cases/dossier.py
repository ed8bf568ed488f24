"""The referral dossier: a PDF a prosecutor can read, built only from the case's stored facts.

Sections: summary, actors and how they are linked (the network drawn), chronology, evidence with
SHA-256 hashes, seizures and custody, and the statement of who produced it from the record as it
stood when. Regenerating it from the same data gives the same bytes: the PDF's creation date is
the case's last event, and the statement names the digest of the facts it was built from.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from itertools import combinations

from sqlalchemy.orm import Session

from guetteur.actors.networks import mask
from guetteur.audit import service as audit
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.cases import service, timeline
from guetteur.cases import subjects as subject_reads
from guetteur.cases.models import Case, EvidenceItem
from guetteur.cases.subjects import canonical_json
from guetteur.custody.models import Lot
from guetteur.customs.models import Detention
from guetteur.marketplace.models import Seller
from guetteur.reports.pdf import Document

IDENTIFIERS = ("email", "phone", "bank_account", "registration_number", "vat_number")
MASK_KIND = {"bank_account": "bank", "registration_number": "registration", "vat_number": "vat"}


@dataclass(frozen=True)
class Link:
    """Two seller accounts sharing an identifier."""

    a: str
    b: str
    kind: str
    value: str


def shared_identifiers(sellers: list[Seller], *, full: bool) -> list[Link]:
    """Pairs of sellers sharing an e-mail, phone, bank account, company or VAT number, device."""
    links: list[Link] = []
    for a, b in combinations(sorted(sellers, key=lambda s: s.id), 2):
        for kind in IDENTIFIERS:
            x, y = getattr(a, kind), getattr(b, kind)
            if x and y and _norm(x) == _norm(y):
                links.append(Link(a.id, b.id, kind, _show(kind, str(x), full)))
        for device in sorted(set(a.devices or []) & set(b.devices or [])):
            links.append(Link(a.id, b.id, "device", _show("device", str(device), full)))
    return links


def _norm(value: object) -> str:
    return "".join(str(value).lower().split())


def _show(kind: str, value: str, full: bool) -> str:
    if full:
        return value
    return mask(MASK_KIND.get(kind, "bank"), value) if len(value) > 6 else "…"


def network_svg(seller_ids: list[str], links: list[Link], *, size: int = 460) -> str:
    """The sellers on a circle, a line for each shared identifier kind between two of them."""
    ids = sorted(seller_ids)
    centre, radius = size / 2, size / 2 - 70
    pos = {}
    for i, sid in enumerate(ids):
        angle = 2 * math.pi * i / max(1, len(ids)) - math.pi / 2
        pos[sid] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" font-family="Helvetica, Arial, sans-serif" role="img" '
        f'aria-label="network of the sellers in the case">'
    ]
    pairs = sorted({(link.a, link.b) for link in links})
    for a, b in pairs:
        kinds = sorted({link.kind for link in links if (link.a, link.b) == (a, b)})
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#1f5fbf" '
            f'stroke-width="{1 + len(kinds)}"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" font-size="8" '
            f'fill="#1f5fbf" text-anchor="middle">{escape(", ".join(kinds))}</text>'
        )
    for sid in ids:
        x, y = pos[sid]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#b3261e"/>'
            f'<text x="{x:.1f}" y="{y + 22:.1f}" font-size="9" text-anchor="middle">'
            f"{escape(sid)}</text>"
        )
    if not ids:
        parts.append('<text x="10" y="20" font-size="11">no seller account in the case</text>')
    parts.append("</svg>")
    return "".join(parts)


def build(session: Session, *, actor: Actor, case_id: int) -> bytes:
    """The dossier of the case as PDF bytes; the export is audited with the facts' digest."""
    case = service.get_or_raise(session, actor=actor, case_id=case_id)
    full = service.access_of(case, actor) == "full"
    pairs = [(s.kind, s.ref) for s in case.subjects]
    sellers = subject_reads.sellers(session, ids=subject_reads.seller_ids(session, subjects=pairs))
    if full and sellers:
        for seller in sellers:
            audit.record_personal_data_read(
                session,
                actor=actor,
                object_type="seller",
                object_id=seller.id,
                owner_organisation_id=auth.marketplace_organisation_id(session),
                fields=list(IDENTIFIERS),
            )
    links = shared_identifiers(sellers, full=full)
    entries = timeline.build(session, case=case)
    evidence = service.list_evidence(session, actor=actor, case_id=case.id)
    detentions, lots = subject_reads.detentions_and_lots(session, subjects=pairs)
    facts = {
        "case": [case.reference, case.title, case.summary, case.status, case.outcome],
        "sellers": [s.id for s in sellers],
        "links": [(x.a, x.b, x.kind, x.value) for x in links],
        "timeline": [(e.at, e.source, e.text, e.ref, e.by) for e in entries],
        "evidence": [(e.id, e.kind, e.title, e.sha256, e.added_at, e.added_by) for e in evidence],
        "detentions": [(d.id, d.status, d.units) for d in detentions],
        "lots": [(lot.reference, lot.status, len(lot.events)) for lot in lots],
        "access": full,
    }
    digest = hashlib.sha256(canonical_json(facts)).hexdigest()
    as_of = timeline.latest(entries) or case.opened_at
    audit.record(
        session,
        actor=actor,
        action="case.dossier",
        object_type="case",
        object_id=case.reference,
        detail={"facts_sha256": digest},
    )
    doc = Document(
        title=f"Referral dossier {case.reference}",
        author=actor.label,
        created=as_of.astimezone(UTC),
        footer=f"Referral dossier {case.reference} - facts SHA-256 {digest[:16]}",
    )
    _summary(doc, case, session)
    _actors(doc, sellers, links, full)
    _chronology(doc, entries)
    _evidence(doc, evidence)
    _seizures(doc, detentions, lots)
    _statement(doc, actor, case, as_of, digest, full)
    return doc.output()


def _summary(doc: Document, case: Case, session: Session) -> None:
    doc.title(f"Referral dossier {case.reference}", case.title)
    names = service.organisation_names(session, [p.organisation_id for p in case.participants])
    outcome = case.outcome or {}
    doc.facts(
        [
            ("Status", case.status),
            ("Opened", f"{case.opened_at:%Y-%m-%d} by {case.opened_by}"),
            ("Started from", f"{case.origin_kind} {case.origin_ref}"),
            ("Subjects", ", ".join(f"{s.kind} {s.ref}" for s in case.subjects) or "none"),
            (
                "Organisations",
                "; ".join(
                    f"{names.get(p.organisation_id, p.organisation_id)} ({p.access}, {p.agreement})"
                    for p in case.participants
                ),
            ),
            ("Outcome", ", ".join(outcome.get("kinds", [])) or "case open"),
        ]
    )
    doc.heading("Summary")
    doc.paragraph(case.summary or "No summary was written.")


def _actors(doc: Document, sellers: list[Seller], links: list[Link], full: bool) -> None:
    doc.heading("Actors and how they are linked")
    note = "identifiers in clear" if full else "identifiers masked (restricted access)"
    doc.paragraph(f"{len(sellers)} seller account(s); {len(links)} shared identifier(s); {note}.")
    rows = [
        [s.id, s.display_name, s.country, s.status, s.created_at.strftime("%Y-%m-%d")]
        for s in sellers
    ]
    doc.table(["Seller", "Shop name", "Country", "Status", "Created"], rows, [2, 3, 1, 1, 1.5])
    doc.table(
        ["Seller", "Seller", "Shared identifier", "Value"],
        [[x.a, x.b, x.kind.replace("_", " "), x.value] for x in links],
        [2, 2, 2, 3],
        empty="The accounts share no identifier the marketplace holds.",
    )
    if sellers:
        doc.svg(network_svg([s.id for s in sellers], links), width=110)


def _chronology(doc: Document, entries: list[timeline.Entry]) -> None:
    doc.heading("Chronology")
    rows = [[e.when, e.source, e.text, e.ref, e.by] for e in entries]
    doc.table(["When (UTC)", "Source", "What", "About", "By"], rows, [2.2, 1.4, 6, 2, 1.8])


def _evidence(doc: Document, evidence: list[EvidenceItem]) -> None:
    doc.heading("Evidence")
    rows = []
    for e in evidence:
        order = f" (order {e.order_reference})" if e.order_reference else ""
        rows.append(
            [
                f"E{e.id}",
                e.kind.replace("_", " ") + order,
                e.title,
                e.sha256,
                f"{e.added_at:%Y-%m-%d %H:%M} {e.added_by}",
            ]
        )
    doc.table(["#", "Kind", "Title", "SHA-256", "Added"], rows, [0.7, 1.8, 3, 4.6, 2.2], size=7.5)


def _seizures(doc: Document, detentions: list[Detention], lots: list[Lot]) -> None:
    doc.heading("Seizures and custody")
    rows = [
        [f"#{d.id}", d.office, str(d.detained_on), f"{d.units}", d.status, d.outcome or ""]
        for d in detentions
    ]
    doc.table(
        ["Detention", "Office", "Detained", "Units", "Status", "Outcome"],
        rows,
        [1.2, 1.2, 1.5, 1, 2, 2.5],
        empty="No detention in the case.",
    )
    lot_rows = []
    for lot in lots:
        seized = sum(line.units_seized for line in lot.lines)
        out: dict[str, int] = {}
        for event in lot.events:
            if event.kind in ("destroyed", "recycled", "released", "sampled"):
                out[event.kind] = out.get(event.kind, 0) + sum(int(v) for v in event.lines.values())
        moved = ", ".join(f"{k} {v}" for k, v in sorted(out.items())) or "none"
        certificates = ", ".join(
            f"{c.contractor} {c.on} ({c.units} u., sha256 {c.document_sha256[:12]})"
            for c in lot.certificates
        )
        lot_rows.append([lot.reference, str(seized), moved, lot.status, certificates or "none"])
    doc.table(
        ["Lot", "Units seized", "Units out", "Status", "Certificates"],
        lot_rows,
        [2, 1, 2, 1.2, 4],
        empty="No seized lot in the case.",
    )


def _statement(
    doc: Document, actor: Actor, case: Case, as_of: datetime, digest: str, full: bool
) -> None:
    doc.heading("Statement")
    shown = "shown in clear" if full else "masked: the producing organisation has restricted access"
    doc.paragraph(
        f"This dossier was produced by {actor.label} ({actor.role.replace('_', ' ')}, "
        f"{actor.organisation_kind}) with Guetteur from the record of case {case.reference} as "
        f"it stood at {as_of:%Y-%m-%d %H:%M} UTC, the time of its last recorded event. "
        f"Every figure, event and hash above is taken from the facts stored on the node; the "
        f"SHA-256 of those facts is {digest}. Regenerating the dossier from the same record "
        f"gives the same document. Each piece of evidence can be checked against its SHA-256 "
        f"above. Sellers' identifiers are "
        f"{shown}."
    )
