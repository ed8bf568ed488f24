"""PDF output with fpdf2: a small document builder, and the brand-protection report as a PDF.

Output is deterministic: the creation date is a parameter (a date from the data, not the clock)
and fpdf2 derives the file id from the content, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from guetteur.reports.report import Report, percent

_REPLACE = {"–": "-", "—": "-", "−": "-", "…": "...", "÷": "/", "→": "->", "’": "'", "‘": "'"}


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: a few typographic signs replaced, the rest kept when
    Latin-1, otherwise stripped of accents or replaced by '?'."""
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        return kept.encode("latin-1", "replace").decode("latin-1")


class Document:
    """An A4 document: headings, paragraphs, key/value facts, tables and SVG pictures."""

    def __init__(self, *, title: str, author: str, created: datetime, footer: str) -> None:
        self.pdf = _Pdf(footer=latin1(footer))
        self.pdf.set_creation_date(created)
        self.pdf.set_title(latin1(title))
        self.pdf.set_author(latin1(author))
        self.pdf.set_creator("Guetteur")
        self.pdf.set_producer("Guetteur")
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.add_page()

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def title(self, text: str, subtitle: str = "") -> None:
        self.pdf.set_font("Helvetica", "B", 18)
        self.pdf.multi_cell(0, 9, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.pdf.set_font("Helvetica", "", 11)
            self.pdf.multi_cell(0, 6, latin1(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(3)

    def heading(self, text: str) -> None:
        if self.pdf.get_y() > self.pdf.h - 40:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_font("Helvetica", "B", 13)
        self.pdf.multi_cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def paragraph(self, text: str, *, size: float = 10, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.multi_cell(0, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1.5)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label / value lines."""
        for label, value in rows:
            self.pdf.set_font("Helvetica", "B", 10)
            self.pdf.cell(55, 5.5, latin1(label))
            self.pdf.set_font("Helvetica", "", 10)
            self.pdf.multi_cell(0, 5.5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1.5)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 8.5,
        empty: str = "None.",
    ) -> None:
        """A table whose columns have the given relative widths; long cells wrap."""
        if not rows:
            self.paragraph(empty, size=size, style="I")
            return
        total = sum(widths)
        cols = [self.width * w / total for w in widths]
        self.pdf.set_font("Helvetica", "", size)
        with self.pdf.table(
            col_widths=cols,
            line_height=size * 0.5,
            text_align="LEFT",
            first_row_as_headings=True,
            headings_style=_headings(size),
        ) as table:
            for row in [headers, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(latin1(str(value)))
        self.pdf.ln(2)

    def svg(self, svg: str, *, width: float | None = None) -> None:
        """An SVG picture, scaled to `width` mm (default: the text width)."""
        w = width or self.width
        if self.pdf.get_y() > self.pdf.h - 70:
            self.pdf.add_page()
        self.pdf.image(io.BytesIO(latin1(svg).encode("utf-8")), w=w)
        self.pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _headings(size: float) -> object:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", size_pt=size, fill_color=(232, 236, 243))


class _Pdf(FPDF):
    def __init__(self, *, footer: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"{self._footer_text} - page {self.page_no()}/{{nb}}", align="C")


def report_pdf(report: Report) -> bytes:
    """The brand-protection report as a PDF."""
    created = datetime.combine(report.end, datetime.min.time(), tzinfo=report.generated_at.tzinfo)
    doc = Document(
        title=f"Brand-protection report {report.start} to {report.end}",
        author=report.generated_by,
        created=created,
        footer=f"Guetteur brand-protection report, {report.start} to {report.end}",
    )
    doc.title(
        "Brand-protection report",
        f"{report.start} to {report.end} - {report.scope_label} - compared with "
        f"{report.previous_start} to {report.previous_end}",
    )
    doc.facts(
        [
            (
                "Proactive rate",
                f"{percent(report.proactive_rate)} "
                f"(previous period {percent(report.previous_proactive_rate)})",
            ),
            ("Valid notices", percent(report.valid_notice_rate)),
        ]
    )
    doc.heading("Figures")
    rows = [[f.label, f.shown(), f.shown(f.previous), f.change] for f in report.figures]
    doc.table(["Figure", "This period", "Previous period", "Change"], rows, [5, 2, 2, 1.4])
    doc.heading("Charts")
    pictures = report.charts()
    for name in ("monthly", "trend"):
        doc.svg(pictures[name], width=150)
    doc.heading("Top origins and categories")
    for title, items in (
        ("Confirmed counterfeit listings by country they ship from", report.top_origins),
        ("Declarations with suspected IP infringements by origin", report.top_declaration_origins),
        ("Confirmed counterfeit listings by category", report.top_categories),
    ):
        doc.paragraph(title, style="B")
        doc.table(["", "count"], [[k, f"{n:,}"] for k, n in items], [5, 1], empty="No data.")
    doc.heading("How each figure is computed")
    for figure in report.figures:
        doc.paragraph(f"{figure.label}: {figure.definition}", size=8.5)
    for name, text in report.definitions.items():
        doc.paragraph(f"{name.capitalize()}: {text}", size=8.5)
    doc.paragraph(
        f"Produced by {report.generated_by} with Guetteur on "
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC from the facts stored on this node.",
        size=8.5,
        style="I",
    )
    return doc.output()
