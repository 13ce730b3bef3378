"""The headless command line: `train`, `evaluate` and `download` (no Qt; the app is passed in by main.py)."""

from engine.cli.main import USAGE_ERROR, UsageError, main

__all__ = ["USAGE_ERROR", "UsageError", "main"]
