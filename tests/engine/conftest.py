"""Engine test fixtures: real pen strokes come from tests/conftest.py (the shipped subset, or the whole dev set)."""
