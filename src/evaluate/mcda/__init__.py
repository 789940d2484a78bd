"""Scoring methods on any decision matrix: pure numbers, no club data."""
