"""The brand-protection report as a standalone HTML file (styles inlined, charts as SVG)."""

from __future__ import annotations

from guetteur.reports.report import Report, percent
from guetteur.web.rendering import STATIC_DIR, make_templates


def report_html(report: Report) -> str:
    """One self-contained HTML page: no script, no external file."""
    env = make_templates().env
    css = (STATIC_DIR / "guetteur.css").read_text(encoding="utf-8")
    template = env.get_template("reports/standalone.html")
    return template.render(report=report, percent=percent, css=css)
