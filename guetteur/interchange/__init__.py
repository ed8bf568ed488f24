"""The interchange domain."""
