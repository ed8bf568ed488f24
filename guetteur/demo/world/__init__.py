"""The seeded synthetic demo world: FORMATS.md files plus the ground truth behind them."""

from guetteur.demo.world.generate import generate
from guetteur.demo.world.model import WorldSummary

__all__ = ["WorldSummary", "generate"]
