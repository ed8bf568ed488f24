"""Actors: entity resolution (Splink), the identifier graph, networks, incremental linking."""
