"""`guetteur world OUT_DIR`: write the seeded demo world (FORMATS.md files and truth/)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console


def world(
    out_dir: Path = typer.Argument(..., help="Folder to write the world into."),
    scale: float = typer.Option(1.0, "--scale", min=0.001, help="1 is about 30,000 listings."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same world."),
    catalog_dir: Path | None = typer.Option(
        None, "--catalog-dir", help="Real catalogues (default: ../shared/data/catalog)."
    ),
) -> None:
    """Generate the synthetic demo world: marketplace, customs and ground truth."""
    from guetteur.demo.world import generate

    console = Console()
    with console.status("Generating the demo world..."):
        summary = generate(out_dir, scale=scale, seed=seed, catalog_dir=catalog_dir)
    counts = ", ".join(f"{n} {name}" for name, n in summary.counts.items() if "/" not in name)
    console.print(f"Wrote {counts} into {out_dir} in {summary.seconds:.1f} s")
    console.print(f"Catalogue: {summary.catalog_source}; ground truth in {out_dir / 'truth'}")


def register(app: typer.Typer) -> None:
    """Add the `world` command to the main app."""
    app.command("world")(world)
