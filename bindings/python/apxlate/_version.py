"""The package version: the only place it is written (pyproject.toml reads it; build_wheel.py
checks it against include/apxlate.h)."""

__version__ = "0.1.0"
