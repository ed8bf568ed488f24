"""The match-weight chart of a trained linkage model, drawn as a self-contained SVG."""

from __future__ import annotations

import math
from html import escape
from typing import Any

ROW = 18
LABEL_WIDTH = 330
BAR_WIDTH = 420
SCALE_MAX = 20.0


def _rows(model: dict[str, Any]) -> list[tuple[str, str, float]]:
    lam = float(model["probability_two_random_records_match"])
    rows = [("prior", "two random records match", math.log2(lam / (1 - lam)))]
    for comparison in model["comparisons"]:
        column = str(comparison.get("output_column_name", ""))
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else 0.0
            label = str(level.get("label_for_charts", ""))
            label = label.replace(f"Jaro-Winkler distance of {column}", "Jaro-Winkler")
            label = label.replace(f"Exact match on {column}", "exact match")
            rows.append((column, label, weight))
    return rows


def match_weights_svg(model: dict[str, Any], *, title: str = "match weights") -> str:
    """Bars of log2(m/u) per comparison level (and the prior): right means evidence of a match."""
    rows = _rows(model)
    height = ROW * (len(rows) + 3)
    width = LABEL_WIDTH + BAR_WIDTH + 60
    zero = LABEL_WIDTH + BAR_WIDTH / 2
    scale = (BAR_WIDTH / 2) / SCALE_MAX
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<text x="8" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{zero}" y1="{ROW}" x2="{zero}" y2="{height - ROW}" stroke="#555"/>',
    ]
    for i, (column, label, weight) in enumerate(rows):
        y = ROW * (i + 1.5)
        clipped = max(-SCALE_MAX, min(SCALE_MAX, weight))
        x = zero if clipped >= 0 else zero + clipped * scale
        colour = "#2b7a3d" if weight >= 0 else "#b23b3b"
        parts.append(
            f'<text x="8" y="{y + 12:.0f}">{escape(column)}: {escape(label[:40])}</text>'
            f'<rect x="{x:.1f}" y="{y + 2:.0f}" width="{abs(clipped) * scale:.1f}" '
            f'height="{ROW - 5}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 12:.0f}">{weight:+.2f}</text>'
        )
    parts.append(
        f'<text x="{zero}" y="{height - 4}" text-anchor="middle">match weight (log2 m/u), '
        f"bars clipped at ±{SCALE_MAX:.0f}</text></svg>"
    )
    return "\n".join(parts)
