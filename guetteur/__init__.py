"""Guetteur: an anti-counterfeiting platform for marketplaces, customs and brands."""

__version__ = "0.1.0"
