"""A network drawn as SVG on the server: members, the identifiers they share, probable matches.

The layout is Fruchterman-Reingold (igraph) from a fixed start and a seeded random generator, so
one network always gets the same picture. The SVG uses presentation attributes only (the pages'
content security policy allows no inline styles) and no script.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
from markupsafe import Markup, escape

WIDTH, HEIGHT, MARGIN = 880, 600, 48
SEED = 7
MEMBER_COLOURS = {"active": "#2f6fde", "suspended": "#8a8f98", "party": "#7b4bb7"}
LINK_COLOURS = {"probabilistic": "#d9822b", "confirmed": "#2e9e5b", "cut": "#c0392b"}


@dataclass(frozen=True)
class Node:
    """Something drawn: a member (`kind` seller or party) or an identifier (`kind` identifier)."""

    key: str
    kind: str
    label: str
    title: str
    href: str | None = None
    status: str = "active"
    excluded: bool = False


@dataclass(frozen=True)
class Line:
    """A line between two nodes: a member holding an identifier, or a link between members."""

    source: str
    target: str
    kind: str  # "holds", "excluded", "probabilistic", "confirmed", "cut"
    weight: float
    title: str = ""


def layout(nodes: Sequence[Node], lines: Sequence[Line]) -> dict[str, tuple[float, float]]:
    """Node positions inside the drawing area, the same on every call for the same input."""
    position = {node.key: i for i, node in enumerate(nodes)}
    edges = [(position[x.source], position[x.target]) for x in lines]
    graph = ig.Graph(n=len(nodes), edges=edges, directed=False)
    if len(nodes) == 1:
        return {nodes[0].key: (WIDTH / 2, HEIGHT / 2)}
    start = [list(p) for p in graph.layout_circle().coords]
    ig.set_random_number_generator(random.Random(SEED))
    try:
        coords = graph.layout_fruchterman_reingold(
            seed=start, niter=500, weights=[max(x.weight, 0.1) for x in lines] or None
        ).coords
    finally:
        ig.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    return {
        node.key: (
            MARGIN + (xs[i] - min(xs)) / span_x * inner_w,
            MARGIN + (ys[i] - min(ys)) / span_y * inner_h,
        )
        for i, node in enumerate(nodes)
    }


def _line(line: Line, at: dict[str, tuple[float, float]]) -> str:
    (x1, y1), (x2, y2) = at[line.source], at[line.target]
    if line.kind == "holds":
        stroke, dash, width = "#5b6577", "", 1.4
    elif line.kind == "excluded":
        stroke, dash, width = "#b8bec8", ' stroke-dasharray="3 4"', 1.0
    else:
        stroke = LINK_COLOURS.get(line.kind, "#5b6577")
        dash = ' stroke-dasharray="6 4"' if line.kind != "confirmed" else ""
        width = 1.0 + min(line.weight, 30.0) / 10.0
    title = f"<title>{escape(line.title)}</title>" if line.title else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
        f'stroke-width="{width:.1f}"{dash} class="link link-{line.kind}">{title}</line>'
    )


def _node(node: Node, x: float, y: float) -> str:
    title = f"<title>{escape(node.title)}</title>"
    text = (
        f'<text x="{x:.1f}" y="{y + 20:.1f}" text-anchor="middle" font-size="10" '
        f'fill="#333">{escape(node.label)}</text>'
    )
    if node.kind == "identifier":
        fill, stroke = ("#eef0f3", "#9aa1ac") if node.excluded else ("#fff4d6", "#b08a1e")
        dash = ' stroke-dasharray="3 2"' if node.excluded else ""
        shape = (
            f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" fill="{fill}" '
            f'stroke="{stroke}"{dash}>{title}</rect>'
        )
        css = "identifier excluded" if node.excluded else "identifier"
        return f'<g class="{css}">{shape}{text}</g>'
    colour = (
        MEMBER_COLOURS["party"]
        if node.kind == "party"
        else MEMBER_COLOURS.get(node.status, "#2f6fde")
    )
    shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{colour}">{title}</circle>'
    body = f'<g class="member member-{escape(node.kind)}">{shape}{text}</g>'
    if node.href:
        return f'<a href="{escape(node.href)}">{body}</a>'
    return body


def svg(nodes: Sequence[Node], lines: Sequence[Line], *, title: str) -> Markup:
    """The whole drawing, ready to inline in a page."""
    if not nodes:
        return Markup("")
    at = layout(nodes, lines)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="network-graph">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fbfbfc"/>',
    ]
    parts.extend(_line(line, at) for line in lines)
    parts.extend(_node(node, *at[node.key]) for node in nodes)
    parts.append("</svg>")
    return Markup("\n".join(parts))
