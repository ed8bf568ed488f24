"""Default selection parameters (a light module: the CLI reads them without loading LightGBM)."""

DEFAULT_CAPACITY = 0.05
DEFAULT_EXPLORATION = 0.10
