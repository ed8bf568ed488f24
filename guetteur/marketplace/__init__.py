"""The marketplace domain."""
