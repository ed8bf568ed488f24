"""Small server-side SVG charts: horizontal bars and grouped columns, self-contained, no script.

The same SVG is inlined in the HTML report and embedded in the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#1f5fbf", "#9aa7bd", "#2e7d32", "#b26a00", "#b3261e")
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bars_svg(title: str, rows: Sequence[tuple[str, float]], *, width: int = 520) -> str:
    """Horizontal bars, one per (label, value), longest first as given; an empty-state text."""
    row_h, label_w, top = 22, 150, 28
    height = top + max(1, len(rows)) * row_h + 10
    bar_w = width - label_w - 60
    peak = max((v for _, v in rows), default=0) or 1
    parts = [_open(width, height, title), _title(title)]
    if not rows:
        parts.append(f'<text x="10" y="{top + 14}" font-size="11" fill="#667085">no data</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        length = max(1.0, bar_w * value / peak) if value else 0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" font-size="11">'
            f"{_number(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def columns_svg(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: int = 520,
    height: int = 220,
) -> str:
    """Grouped vertical columns: one group per category, one column per series, a legend."""
    left, top, bottom = 40, 44, 34
    plot_h = height - top - bottom
    plot_w = width - left - 10
    peak = max((v for _, values in series for v in values), default=0) or 1
    group_w = plot_w / max(1, len(categories))
    col_w = max(2.0, (group_w - 6) / max(1, len(series)))
    parts = [_open(width, height, title), _title(title), _legend(series, left)]
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#667085"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">')
    parts.append(f"{_number(peak)}</text>")
    for g, category in enumerate(categories):
        x0 = left + g * group_w + 3
        for s, (_name, values) in enumerate(series):
            value = values[g] if g < len(values) else 0
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x0 + s * col_w:.1f}" y="{base - h:.1f}" width="{col_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{x0 + group_w / 2 - 3:.1f}" y="{base + 14}" font-size="10" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" aria-label="{escape(title)}">'
    )


def _title(title: str) -> str:
    return f'<text x="10" y="16" font-size="13" font-weight="bold">{escape(title)}</text>'


def _legend(series: Sequence[tuple[str, Sequence[float]]], left: int) -> str:
    parts = []
    x = left
    for s, (name, _values) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="24" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="33" font-size="10">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(parts)
